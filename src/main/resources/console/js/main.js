// The console's shell: a hash router (#/devices, #/devices/<id>, ...) over page modules, each of which
// renders into <main> and returns a cleanup (closing its event stream) for when the page is left.
import { claims, can, signOut, takeTokenFromFragment, token } from './auth.js';
import { announce, fill, h } from './dom.js';
import * as signin from './pages/signin.js';
import * as devices from './pages/devices.js';
import * as device from './pages/device.js';
import * as sessions from './pages/sessions.js';
import * as addressLists from './pages/address-lists.js';
import * as events from './pages/events.js';
import * as tokens from './pages/tokens.js';

const ROUTES = [
  [/^#\/signin/, signin, null],
  [/^#\/devices\/([^/?]+)$/, device, 'read'],
  [/^#\/devices$/, devices, 'read'],
  [/^#\/sessions$/, sessions, 'read'],
  [/^#\/address-lists$/, addressLists, 'read'],
  [/^#\/events$/, events, 'read'],
  [/^#\/tokens$/, tokens, 'tokens'],
];

let cleanup = null;

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  announce('');
  const main = document.getElementById('main');
  if (!token() && !location.hash.startsWith('#/signin')) {
    location.hash = '#/signin';
    return;
  }
  showChrome();
  const hash = location.hash || '#/devices';
  const match = ROUTES.map(([pattern, page, needs]) => [pattern.exec(hash), page, needs]).find(([m]) => m);
  if (!match) {
    location.hash = '#/devices';
    return;
  }
  const [m, page, needs] = match;
  if (needs && !can(needs)) {
    // never call what the role would be refused: say so instead
    fill(main, h('h1', {}, 'Not available'), h('p', {}, 'The signed-in token\'s role may not use this page.'));
    return;
  }
  for (const a of document.querySelectorAll('nav a')) {
    a.toggleAttribute('aria-current', hash.startsWith(a.getAttribute('href')));
    if (a.hasAttribute('aria-current')) a.setAttribute('aria-current', 'page');
  }
  try {
    cleanup = (await page.render(main, m.slice(1).map(decodeURIComponent))) || null;
  } catch (error) {
    fill(main, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error.message));
  }
  // move focus to the new page's heading, so keyboard and screen-reader users start there
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/** Navigation and the role badge only for a signed-in token; pages the role may not use are not shown. */
function showChrome() {
  const c = claims();
  document.getElementById('nav').hidden = !c;
  document.getElementById('who').hidden = !c;
  for (const li of document.querySelectorAll('nav [data-needs]')) li.hidden = !can(li.dataset.needs);
  if (c) {
    const limits = [c.devices && `devices ${c.devices.join(', ')}`, c.groups && `groups ${c.groups.join(', ')}`]
      .filter(Boolean).join('; ');
    document.getElementById('who-role').textContent = `${c.sub} (${c.role}${limits ? `, limited to ${limits}` : ''})`;
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  location.hash = '#/signin';
});
window.addEventListener('hashchange', route);
takeTokenFromFragment();
route();
