// Address lists and application servers (DESIGN.md 4): each scope's current version and entries; roles
// that may write edit the entries and publish a new version, urgent (wakes the affected online devices)
// or not. A rejected list shows the API's message at the entry and field it names.
import { api } from '../api.js';
import { can } from '../auth.js';
import { announce, fill, h, showError, splitList, table, when } from '../dom.js';
import { entriesTable } from '../views.js';

export async function render(main) {
  const scopes = h('div', { id: 'scopes' });
  const view = h('section', { id: 'scope-view', 'aria-live': 'polite' });

  async function drawScopes() {
    const { items } = await api('GET', '/address-lists');
    fill(scopes, items.length ? table(['Scope', 'Version', 'Published', 'Urgent', 'Entries', ''], items.map((s) => [
      s.scope, String(s.version), when(s.publishedAt), s.urgent ? 'yes' : 'no', String(s.entryCount),
      h('button', { type: 'button', onclick: () => open(s.scope) }, `Open ${s.scope}`)])) : h('p', { class: 'hint' },
      'No address list has been published yet.'));
  }

  async function open(scope, list) {
    const current = list || await api('GET', `/address-lists/${encodeURIComponent(scope)}`);
    fill(view, h('h2', {}, `Scope ${scope}, version ${current.version}`),
      can('write') ? editor(scope, current.entries, async (published) => {
        announce(`Published ${scope} version ${published.version}.`);
        await drawScopes();
        await open(scope, published);
      }) : entriesTable(current.entries));
  }

  const newScope = h('input', { id: 'new-scope', placeholder: 'global or group:NAME' });
  fill(main, h('h1', {}, 'Address lists'), scopes,
    can('write') ? h('form', {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        const scope = newScope.value.trim();
        fill(view, h('h2', {}, `Scope ${scope}, new`), editor(scope, {}, async (published) => {
          announce(`Published ${scope} version ${published.version}.`);
          await drawScopes();
          await open(scope, published);
        }));
      },
    }, h('label', { for: 'new-scope' }, 'Another scope ', newScope), h('button', { type: 'submit' }, 'Edit')) : null,
    view);
  await drawScopes();
  return null;
}

/** The editable entries of one scope and the publish button. */
function editor(scope, entries, published) {
  const rows = h('div', { id: 'entries' });
  const urgent = h('input', { type: 'checkbox', id: 'urgent' });
  const addRow = (id = '', entry = {}) => {
    const n = rows.children.length;
    const idInput = h('input', { id: `entry-id-${n}`, value: id, 'data-role': 'id' });
    const url = h('input', { id: `entry-url-${n}`, value: entry.url || '', size: 40, 'data-role': 'url' });
    const auth = h('select', { id: `entry-auth-${n}`, 'data-role': 'auth' },
      h('option', { value: 'pins', selected: Boolean(entry.pins) }, 'SPKI pins'),
      h('option', { value: 'webpki', selected: entry.trust === 'webpki' }, 'web PKI (trust store)'),
      h('option', { value: 'none', selected: !entry.pins && !entry.trust }, 'none (Homeport endpoint)'));
    const pins = h('input', { id: `entry-pins-${n}`, value: (entry.pins || []).join(' '), size: 48, 'data-role': 'pins' });
    const card = h('fieldset', { class: 'entry' }, h('legend', {}, `Entry ${n + 1}`),
      h('div', { class: 'row' }, h('label', { for: idInput.id }, 'Id ', idInput), h('label', { for: url.id }, 'URL ', url),
        h('label', { for: auth.id }, 'Authenticated by ', auth),
        h('label', { for: pins.id }, 'Pins ', h('span', { class: 'hint' }, '(base64 SHA-256, space-separated)'), ' ', pins),
        h('button', { type: 'button', class: 'danger', onclick: () => card.remove() }, 'Remove entry')));
    rows.append(card);
  };
  for (const id of Object.keys(entries).sort()) addRow(id, entries[id]);

  const form = h('form', {
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { entries: {}, urgent: urgent.checked };
      const controls = { entries: rows, urgent };
      for (const card of rows.querySelectorAll('fieldset.entry')) {
        const get = (role) => card.querySelector(`[data-role="${role}"]`);
        const id = get('id').value.trim();
        const entry = { url: get('url').value.trim() };
        if (get('auth').value === 'pins') entry.pins = splitList(get('pins').value);
        if (get('auth').value === 'webpki') entry.trust = 'webpki';
        body.entries[id] = entry;
        Object.assign(controls, { [`entries.${id}`]: get('id'), [`entries.${id}.url`]: get('url'),
          [`entries.${id}.pins`]: get('pins'), [`entries.${id}.trust`]: get('auth') });
      }
      try {
        showError(form, null);
        await published(await api('PUT', `/address-lists/${encodeURIComponent(scope)}`, body));
      } catch (error) {
        showError(form, error, controls);
      }
    },
  },
  rows,
  h('p', { class: 'row' }, h('button', { type: 'button', onclick: () => addRow() }, 'Add entry'),
    h('label', { class: 'inline', for: 'urgent' }, urgent, 'Urgent: wake the affected online devices now'),
    h('button', { type: 'submit', class: 'primary' }, `Publish ${scope}`)));
  return form;
}
