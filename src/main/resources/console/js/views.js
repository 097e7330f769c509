// Tables shared by several pages: sessions (the Sessions page and a device's page), address-list entries
// (a device's effective list and the Address lists page) and commands.
import { api } from './api.js';
import { can } from './auth.js';
import { announce, bytes, h, row, stateBadge, table, when } from './dom.js';

const SESSION_COLUMNS = ['Session', 'Requester', 'Target', 'State', 'Path', 'Bytes', 'Requested', 'Ended', 'Reason', ''];

/** The session log; established sessions get an End button for roles that may end them. */
export function sessionTable(sessions, onChange) {
  return table(SESSION_COLUMNS, sessions.map((s) => [
    h('code', { title: s.id }, s.id.slice(0, 8)),
    party(s.requester),
    s.target ? party(s.target) : s.peer,
    stateBadge(s.state),
    s.path || '—',
    transferred(s),
    when(s.requestedAt),
    when(s.endedAt),
    [s.reason, s.endedBy && `ended by ${s.endedBy}${s.operator ? ` (${s.operator})` : ''}`].filter(Boolean).join('; ') || '—',
    s.state === 'established' && can('write') ? h('button', {
      type: 'button', class: 'danger', 'data-end-session': s.id, 'aria-label': `End session ${s.id}`,
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api('DELETE', `/sessions/${encodeURIComponent(s.id)}`);
          announce(`Session ${s.id} ended; both devices are told to stop.`);
          onChange();
        } catch (error) {
          announce(error.message);
          event.target.disabled = false;
        }
      },
    }, 'End') : '',
  ]), 'Newest request first');
}

function party(p) {
  return h('a', { href: `#/devices/${encodeURIComponent(p.id)}` }, p.name ? `${p.name} (${p.id})` : p.id);
}

/** What both devices reported sending, and what the relay forwarded. */
function transferred(s) {
  const reports = [s.reports.requester, s.reports.target].filter(Boolean);
  const sent = reports.reduce((sum, r) => sum + r.bytesSent, 0);
  const received = reports.reduce((sum, r) => sum + r.bytesReceived, 0);
  const parts = [];
  if (reports.length) parts.push(`${bytes(sent)} sent, ${bytes(received)} received`);
  if (s.relayBytes) parts.push(`relay ${bytes(s.relayBytes)}`);
  return parts.join('; ') || '—';
}

/** Address-list entries (id to {url, pins | trust}). */
export function entriesTable(entries) {
  const ids = Object.keys(entries).sort();
  if (ids.length === 0) return h('p', { class: 'hint' }, 'No entries.');
  return table(['Id', 'URL', 'Authenticated by'], ids.map((id) => [h('code', {}, id), entries[id].url,
    entries[id].pins ? `pins ${entries[id].pins.join(', ')}` : entries[id].trust || 'Homeport (own endpoint)']));
}

const COMMAND_COLUMNS = ['Created', 'Command', 'State', 'Result'];

/** A device's commands, newest first, each row marked with its id for live updates. */
export function commandTable(commands) {
  const t = table(COMMAND_COLUMNS, [], 'Newest first');
  const body = t.querySelector('tbody');
  for (const c of commands) body.append(commandRow(c));
  return t;
}

export function commandRow(c) {
  const what = c.plugin ? `${c.action} ${c.appliance.type} at ${c.appliance.address} ` : `${c.action} `;
  const cells = [when(c.createdAt),
    h('span', {}, what, c.params !== null && c.params !== undefined ? h('code', {}, JSON.stringify(c.params)) : ''),
    stateBadge(c.state),
    c.result ? h('pre', {}, `${c.result.status}${c.result.code ? ` (${c.result.code})` : ''}\n`
      + JSON.stringify(c.result.data, null, 1)) : '—'];
  return row(COMMAND_COLUMNS, cells, { 'data-command': c.id });
}
