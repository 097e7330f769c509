// Tokens (admin only): mint, list and revoke API tokens, and rotate the bootstrap admin token. A minted
// or rotated token is shown once, as the API shows it once.
import { api } from '../api.js';
import { isBootstrapAdmin, signIn } from '../auth.js';
import { announce, fill, h, showError, splitList, table, when } from '../dom.js';

export async function render(main) {
  const list = h('div', { id: 'tokens' });
  const secret = h('div', {});

  const showOnce = (text, value) => fill(secret, h('div', { class: 'card', role: 'alert' }, h('p', {}, text),
    h('p', { class: 'secret', id: 'new-token' }, value),
    h('button', { type: 'button', onclick: () => fill(secret) }, 'Done, hide the token')));

  async function draw() {
    const { items } = await api('GET', '/tokens');
    fill(list, table(['Subject', 'Role', 'Limited to', 'Created', 'Expires', 'Revoked', ''], items.map((t) => [
      t.subject, t.role,
      [t.devices && `devices ${t.devices.join(', ')}`, t.groups && `groups ${t.groups.join(', ')}`,
        t.applicationServers && `servers ${t.applicationServers.join(', ')}`].filter(Boolean).join('; ') || '—',
      when(t.createdAt), when(t.expiresAt), when(t.revokedAt),
      t.revokedAt ? '' : h('button', {
        type: 'button', class: 'danger', 'aria-label': `Revoke the token of ${t.subject}`,
        onclick: async () => {
          if (!window.confirm(`Revoke the ${t.role} token of ${t.subject}? It stops working at once.`)) return;
          try {
            await api('DELETE', `/tokens/${encodeURIComponent(t.id)}`);
            announce(`Revoked the token of ${t.subject}.`);
            await draw();
          } catch (error) {
            announce(error.message);
          }
        },
      }, 'Revoke')]), 'Newest first; the tokens themselves are never stored'));
  }

  fill(main, h('h1', {}, 'Tokens'), secret, mintForm(showOnce, draw), list, rotation(showOnce));
  await draw();
  return null;
}

function mintForm(showOnce, draw) {
  const role = h('select', { id: 'mint-role' }, ['integrator', 'operator', 'admin', 'application']
    .map((r) => h('option', { value: r }, r)));
  const subject = h('input', { id: 'mint-subject', required: true });
  const devices = h('input', { id: 'mint-devices', placeholder: 'integrator only' });
  const groups = h('input', { id: 'mint-groups', placeholder: 'integrator only' });
  const servers = h('input', { id: 'mint-servers', placeholder: 'application only' });
  const expires = h('input', { id: 'mint-expires', placeholder: '90d' });
  const controls = { role, subject, devices, groups, applicationServers: servers, expiresIn: expires };
  const form = h('form', {
    novalidate: true, 'aria-labelledby': 'mint-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { role: role.value, subject: subject.value.trim() };
      for (const [name, input] of [['devices', devices], ['groups', groups], ['applicationServers', servers]]) {
        const values = splitList(input.value);
        if (values.length) body[name] = values;
      }
      if (expires.value.trim()) body.expiresIn = expires.value.trim();
      try {
        showError(form, null);
        const minted = await api('POST', '/tokens', body);
        form.reset();
        showOnce(`The ${minted.role} token of ${minted.subject}, shown only now:`, minted.token);
        await draw();
      } catch (error) {
        showError(form, error, controls);
      }
    },
  },
  h('h2', { id: 'mint-heading' }, 'Mint a token'),
  h('div', { class: 'row' }, h('label', { for: 'mint-role' }, 'Role ', role), h('label', { for: 'mint-subject' }, 'Subject ', subject),
    h('label', { for: 'mint-expires' }, 'Expires in ', expires)),
  h('div', { class: 'row' }, h('label', { for: 'mint-devices' }, 'Devices ', devices), h('label', { for: 'mint-groups' }, 'Groups ', groups),
    h('label', { for: 'mint-servers' }, 'Application servers ', servers)),
  h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Mint token')));
  return form;
}

/** Rotating the bootstrap admin token: the old one is refused from then on, the new one shown once. */
function rotation(showOnce) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'rotate-heading' },
    h('h2', { id: 'rotate-heading' }, 'Admin token'),
    h('p', {}, 'Rotating replaces the bootstrap admin token (the one printed at first start): the old one stops '
      + 'working at once.'),
    h('button', {
      type: 'button', class: 'danger', id: 'rotate-admin',
      onclick: async () => {
        if (!window.confirm('Rotate the admin token? The current one stops working at once.')) return;
        try {
          showError(box, null);
          const { token } = await api('POST', '/tokens/admin/rotate');
          // signed in with the token just replaced: carry on with its successor
          const adopted = isBootstrapAdmin();
          if (adopted) signIn(token);
          showOnce(`The new admin token, shown only now${adopted ? ' (this console now uses it)' : ''}:`, token);
        } catch (error) {
          showError(box, error);
        }
      },
    }, 'Rotate the admin token'));
  return box;
}
