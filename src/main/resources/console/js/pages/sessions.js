// Sessions: the log (active and past, path and bytes), filtered by state, reloaded on session events;
// operators end an established session from here.
import { all } from '../api.js';
import { announce, fill, h } from '../dom.js';
import { EventStream } from '../stream.js';
import { sessionTable } from '../views.js';

export async function render(main) {
  const state = h('select', { id: 'session-state' }, h('option', { value: '' }, 'all'),
    ['established', 'requested', 'ended', 'rejected'].map((s) => h('option', { value: s }, s)));
  const list = h('div', { id: 'sessions' });
  const draw = async () => {
    const query = state.value ? `?state=${state.value}` : '';
    fill(list, sessionTable(await all(`/sessions${query}`), () => draw()));
  };
  state.addEventListener('change', () => draw().catch((e) => announce(e.message)));
  fill(main, h('h1', {}, 'Sessions'), h('label', { for: 'session-state' }, 'State ', state), list);
  // drawn when the stream opens (and after a fresh reconnect), so no session event falls before it
  const reportError = (e) => announce(e.message);
  const stream = new EventStream({ types: 'session.*' }, () => draw().catch(reportError),
    (resumed) => resumed || draw().catch(reportError));
  return () => stream.close();
}
