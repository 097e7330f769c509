// Devices: the list with presence kept live by the event stream (each device.* event refetches that one
// device, so the row shows what the API says), search, a group filter, and creating a device.
import { all, api, ApiError } from '../api.js';
import { can } from '../auth.js';
import { announce, fill, h, row, showError, splitList, stateBadge, when } from '../dom.js';
import { EventStream } from '../stream.js';
import { natSummary } from '../nat.js';

const COLUMNS = ['Device', 'Name', 'State', 'Presence', 'Public address', 'Last seen', 'NAT', 'Groups'];

export async function render(main) {
  const devices = new Map();
  const search = h('input', { id: 'search', type: 'search', placeholder: 'id or name' });
  const group = h('select', { id: 'group' }, h('option', { value: '' }, 'all groups'));
  const body = h('tbody', {});
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });
  const created = h('div', {});

  function redraw() {
    const text = search.value.trim().toLowerCase();
    const groups = new Set([...devices.values()].flatMap((d) => d.groups));
    const chosen = group.value;
    fill(group, h('option', { value: '' }, 'all groups'),
      [...groups].sort().map((g) => h('option', { value: g, selected: g === chosen }, g)));
    const shown = [...devices.values()].filter((d) => (!text || d.id.toLowerCase().includes(text)
      || (d.name || '').toLowerCase().includes(text)) && (!chosen || d.groups.includes(chosen)));
    fill(body, shown.map(deviceRow));
    count.textContent = `${shown.length} of ${devices.size} devices`;
  }

  async function refresh(id) {
    try {
      devices.set(id, await api('GET', `/devices/${encodeURIComponent(id)}`));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      devices.delete(id); // deleted, or moved out of a limited token's reach
    }
    redraw();
  }

  async function reload() {
    devices.clear();
    for (const d of await all('/devices')) devices.set(d.id, d);
    redraw();
  }

  search.addEventListener('input', redraw);
  group.addEventListener('change', redraw);
  fill(main, h('h1', {}, 'Devices'),
    can('write') ? createForm(created, refresh) : null, created,
    h('div', { class: 'row', role: 'search' },
      h('label', { for: 'search' }, 'Search ', search), h('label', { for: 'group' }, 'Group ', group)),
    count,
    h('div', { class: 'scroll' }, h('table', { class: 'cards', id: 'devices' },
      h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))), body)));
  // subscribe first and read the list once the stream is open, so no change falls between the two
  const stream = new EventStream({ types: 'device.*' },
    (event) => event.deviceId && refresh(event.deviceId).catch((e) => announce(e.message)),
    (resumed) => resumed || reload().catch((e) => announce(e.message)));
  return () => stream.close();
}

function deviceRow(d) {
  const p = d.presence || {};
  return row(COLUMNS, [
    h('a', { href: `#/devices/${encodeURIComponent(d.id)}` }, d.id),
    d.name || '—',
    stateBadge(d.state),
    stateBadge(p.online ? 'online' : 'offline'),
    p.publicAddress || '—',
    when(p.lastSeen),
    natSummary(p.nat),
    d.groups.join(', ') || '—',
  ], { 'data-device': d.id });
}

/** Creating a device; its enrollment token is shown once, as the API shows it once. */
function createForm(created, refresh) {
  const id = h('input', { id: 'new-id', name: 'id', placeholder: 'generated when empty' });
  const name = h('input', { id: 'new-name', name: 'name' });
  const groups = h('input', { id: 'new-groups', name: 'groups', placeholder: 'comma-separated' });
  const form = h('form', {
    'aria-labelledby': 'create-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = {};
      if (id.value.trim()) body.id = id.value.trim();
      if (name.value.trim()) body.name = name.value.trim();
      const list = splitList(groups.value);
      if (list.length) body.groups = list;
      try {
        showError(form, null);
        const device = await api('POST', '/devices', body);
        form.reset();
        fill(created, h('div', { class: 'card', role: 'alert' },
          h('p', {}, `Device ${device.id} created. Its enrollment token, shown only now (valid until `
            + `${when(device.enrollment.expiresAt)}):`),
          h('p', { class: 'secret', id: 'enrollment-token' }, device.enrollment.token),
          h('p', {}, 'Enroll it with the reference agent: ',
            h('code', {}, `homeport device enroll --server https://${location.hostname}:7443 --token <token> --out ${device.id}-bundle`)),
          h('button', { type: 'button', onclick: () => fill(created) }, 'Done, hide the token')));
        await refresh(device.id);
      } catch (error) {
        showError(form, error, { id, name, groups });
      }
    },
  },
  h('h2', { id: 'create-heading' }, 'New device'),
  h('div', { class: 'row' }, h('label', { for: 'new-id' }, 'Id ', id), h('label', { for: 'new-name' }, 'Name ', name),
    h('label', { for: 'new-groups' }, 'Groups ', groups),
    h('button', { type: 'submit', class: 'primary' }, 'Create device')));
  return form;
}
