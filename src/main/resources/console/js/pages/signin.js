// Sign-in: a pasted API token (or one handed over as #token=... in the URL fragment, see auth.js).
import { signIn } from '../auth.js';
import { fill, h, showError } from '../dom.js';

export function render(main) {
  const reason = new URLSearchParams(location.hash.split('?')[1] || '').get('reason');
  const input = h('textarea', { id: 'token', rows: 4, cols: 60, autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h('form', {
    onsubmit: (event) => {
      event.preventDefault();
      try {
        signIn(input.value);
        location.hash = '#/devices';
      } catch (error) {
        showError(form, Object.assign(error, { field: 'token' }), { token: input });
      }
    },
  },
  h('label', { for: 'token' }, 'API token ',
    h('span', { class: 'hint' }, '(the admin token printed at first start, `homeport admin token`, or one an admin minted)')),
  input,
  h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  fill(main, h('h1', {}, 'Sign in'),
    reason ? h('p', { class: 'error', role: 'alert' }, `Signed out: ${reason}`) : null,
    h('p', {}, 'The token stays in this tab only (session storage) and is sent only to this server\'s API.'),
    form);
  return null;
}
