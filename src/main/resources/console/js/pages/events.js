// Events: a live tail of the event stream with type and device filters. The stream resumes after a
// reconnect with after=<last id>, so the tail has no gap; the newest 500 events are kept on the page.
import { fill, h, row, when } from '../dom.js';
import { EventStream } from '../stream.js';

const KEPT = 500;
const COLUMNS = ['Id', 'Time', 'Type', 'Device', 'Data'];

export function render(main) {
  const types = h('input', { id: 'event-types', placeholder: 'device.*,command.succeeded', value: '*' });
  const devices = h('input', { id: 'event-devices', placeholder: 'all devices' });
  const connection = h('p', { id: 'stream-state', class: 'hint', 'aria-live': 'polite' }, 'Connecting…');
  const body = h('tbody', { id: 'event-rows' });
  let stream = null;

  function subscribe() {
    if (stream) stream.close();
    fill(body);
    stream = new EventStream({ types: types.value.trim(), devices: devices.value.trim() }, (event) => {
      body.prepend(row(COLUMNS, [String(event.id), when(event.time), event.type, event.deviceId || '—',
        h('code', {}, JSON.stringify(event.data))], { 'data-event': event.id }));
      while (body.children.length > KEPT) body.lastChild.remove();
      connection.textContent = `Live, last event ${event.id}.`;
    }, (resumed) => {
      connection.textContent = resumed ? `Live again, resumed after event ${stream.last}.` : 'Live.';
    });
  }

  const form = h('form', {
    class: 'row', role: 'search',
    onsubmit: (event) => {
      event.preventDefault();
      subscribe();
    },
  },
  h('label', { for: 'event-types' }, 'Types ', h('span', { class: 'hint' }, '(patterns, comma-separated)'), ' ', types),
  h('label', { for: 'event-devices' }, 'Devices ', h('span', { class: 'hint' }, '(ids, comma-separated)'), ' ', devices),
  h('button', { type: 'submit' }, 'Apply'));
  fill(main, h('h1', {}, 'Events'), form, connection,
    h('div', { class: 'scroll' }, h('table', { class: 'cards' },
      h('caption', { class: 'hint' }, `Newest first; the last ${KEPT} are kept`),
      h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))), body)));
  subscribe();
  return () => stream.close();
}
