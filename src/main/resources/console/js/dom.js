// Tiny DOM helpers: pages build elements with h() instead of HTML strings, so nothing from the API is
// ever parsed as markup (the CSP forbids inline scripts anyway; this keeps data out of the DOM parser).

/** h('td', {class: 'x', onclick: f}, 'text', otherNode): attributes starting with "on" become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table whose cells carry their column name, so the phone layout can label stacked cells. */
export function table(columns, rows, caption) {
  return h('div', { class: 'scroll' }, h('table', { class: 'cards' },
    caption ? h('caption', { class: 'hint' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => row(columns, cells)))));
}

/** One table row; cells may be nodes or text. */
export function row(columns, cells, attrs = {}) {
  return h('tr', attrs, cells.map((c, i) => h('td', { 'data-label': columns[i] }, c)));
}

/** "2026-12-07 02:23:18" in local time, or "—" for nothing. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A state word with a class for colour; the word itself carries the meaning. */
export function stateBadge(state) {
  return h('span', { class: `state-${state}` }, state);
}

/** Announces a short message to screen readers and shows it in the status bar. */
export function announce(text) {
  document.getElementById('status').textContent = text;
}

/** An error message bound to a form control (aria-describedby), or a form-level alert when there is none. */
export function showError(container, error, controls = {}) {
  for (const c of container.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  for (const old of container.querySelectorAll('.error')) old.remove();
  if (!error) return;
  const message = error.message || String(error);
  const control = error.field ? controls[error.field] : null;
  const note = h('p', { class: 'error', role: 'alert', id: `err-${Math.random().toString(36).slice(2)}` }, message);
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', note.id);
    control.closest('label, fieldset')?.after(note) ?? control.after(note);
    control.focus();
  } else {
    container.append(note);
  }
}

/** "a, b c" -> ['a', 'b', 'c']: lists typed into one field. */
export function splitList(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}
