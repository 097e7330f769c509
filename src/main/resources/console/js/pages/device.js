// One device: details and presence (with NAT behaviour), its commands live, the generated plugin
// command form and the plain one, its sessions and its effective address list. One event stream for
// this device (device.*, command.*, session.*) keeps details, commands and sessions current; the address
// list is read when the page opens (its publications name no device, so a device filter never passes them).
import { all, api } from '../api.js';
import { can } from '../auth.js';
import { announce, fill, h, showError, splitList, stateBadge, when } from '../dom.js';
import { EventStream } from '../stream.js';
import { natSummary } from '../nat.js';
import { pluginCommandForm, plainCommandForm } from '../command-form.js';
import { commandRow, commandTable, entriesTable, sessionTable } from '../views.js';

const SHOWN_COMMANDS = 50;

export async function render(main, [id]) {
  const path = `/devices/${encodeURIComponent(id)}`;
  const details = h('section', { 'aria-labelledby': 'details-heading' });
  const commands = h('div', {});
  const sessions = h('div', {});
  const addressList = h('div', {});
  const forms = h('div', {});

  let device = await api('GET', path);
  const [plugins, commandList] = await Promise.all([api('GET', '/plugins'), all(`${path}/commands`)]);

  const drawDetails = () => fill(details, h('h2', { id: 'details-heading' }, 'Details'), detailList(device),
    can('write') ? manage(device, async () => { device = await api('GET', path); drawDetails(); }) : null);
  const drawForms = () => fill(forms, pluginCommandForm(device, plugins, upsertCommand),
    plainCommandForm(device, upsertCommand));

  function upsertCommand(c) {
    const body = commands.querySelector('tbody');
    const fresh = commandRow(c);
    const old = body.querySelector(`tr[data-command="${CSS.escape(c.id)}"]`);
    if (old) old.replaceWith(fresh);
    else body.prepend(fresh);
  }
  const drawSessions = async () => fill(sessions, sessionTable(await all(`/sessions?device=${encodeURIComponent(id)}`),
    () => drawSessions()));
  const drawAddressList = async () => {
    const list = await api('GET', `${path}/address-list`);
    fill(addressList, h('p', {}, `Version ${list.version}`), entriesTable(list.entries));
  };

  fill(main, h('h1', {}, `Device ${id}`), details,
    h('section', { 'aria-labelledby': 'commands-heading' }, h('h2', { id: 'commands-heading' }, 'Commands'),
      can('write') && device.state !== 'revoked' ? forms : null, commands),
    h('section', { 'aria-labelledby': 'sessions-heading' }, h('h2', { id: 'sessions-heading' }, 'Sessions'), sessions),
    h('section', { 'aria-labelledby': 'al-heading' }, h('h2', { id: 'al-heading' }, 'Effective address list'),
      addressList));
  drawDetails();
  drawForms();
  fill(commands, commandTable(commandList.slice(-SHOWN_COMMANDS).reverse()));
  await Promise.all([drawSessions(), drawAddressList()]);

  const stream = new EventStream({ types: 'device.*,command.*,session.*', devices: id },
    async (event) => {
      try {
        if (event.type.startsWith('command.')) upsertCommand(await api('GET', `/commands/${event.data.commandId}`));
        else if (event.type.startsWith('session.')) await drawSessions();
        else if (event.type === 'device.revoked' || event.type === 'device.online') {
          device = await api('GET', path);
          drawDetails();
          drawForms(); // the appliances come with the device's hello
        } else if (event.type.startsWith('device.')) {
          device = await api('GET', path);
          drawDetails();
        }
      } catch (error) {
        announce(error.message);
      }
    });
  return () => stream.close();
}

function detailList(d) {
  const p = d.presence || {};
  const item = (term, value) => [h('dt', {}, term), h('dd', {}, value ?? '—')];
  return h('dl', { id: 'device-details' },
    item('Id', d.id), item('Name', d.name), item('Vendor', d.vendor), item('State', stateBadge(d.state)),
    item('Groups', d.groups.join(', ') || '—'), item('Created', when(d.createdAt)), item('Enrolled', when(d.enrolledAt)),
    d.revokedAt ? item('Revoked', when(d.revokedAt)) : null,
    item('Certificate', d.certificate ? `serial ${d.certificate.serial}, valid until ${when(d.certificate.notAfter)}` : null),
    item('Presence', h('span', { id: 'presence' }, stateBadge(p.online ? 'online' : 'offline'))),
    item('Public address', p.publicAddress), item('Last seen', when(p.lastSeen)),
    p.onlineSince ? item('Online since', when(p.onlineSince)) : null,
    item('Keepalive interval', p.keepaliveInterval ? `${p.keepaliveInterval} s` : null),
    item('NAT behaviour', natSummary(p.nat)),
    item('Appliances', d.appliances.length ? d.appliances.map((a) => `${a.type} at ${a.address} (${a.plugin})`).join('; ')
      : 'none reported'));
}

/** Regroup, revoke and delete, for roles that may write. */
function manage(d, changed) {
  const groups = h('input', { id: 'device-groups', value: d.groups.join(', ') });
  const box = h('div', { class: 'card' });
  const regroup = h('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        showError(box, null);
        await api('PUT', `/devices/${encodeURIComponent(d.id)}/groups`, { groups: splitList(groups.value) });
        announce(`Groups of ${d.id} saved.`);
        await changed();
      } catch (error) {
        showError(box, error, { groups });
      }
    },
  }, h('div', { class: 'row' }, h('label', { for: 'device-groups' }, 'Groups ',
    h('span', { class: 'hint' }, '(comma-separated)'), ' ', groups), h('button', { type: 'submit' }, 'Save groups')));
  const act = (label, method, suffix, question, after) => h('button', {
    type: 'button', class: 'danger',
    onclick: async () => {
      if (!window.confirm(question)) return;
      try {
        await api(method, `/devices/${encodeURIComponent(d.id)}${suffix}`);
        await after();
      } catch (error) {
        showError(box, error);
      }
    },
  }, label);
  fill(box, regroup, h('p', { class: 'row' },
    d.state !== 'revoked' ? act('Revoke', 'POST', '/revoke',
      `Revoke ${d.id}? Its certificate stops working at once; this cannot be undone.`, changed) : null,
    act('Delete', 'DELETE', '', `Delete ${d.id} and everything stored about it?`,
      async () => { location.hash = '#/devices'; })));
  return box;
}
