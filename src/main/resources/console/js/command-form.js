// The command form generated from the plugin descriptors of GET /api/v1/plugins: the appliance (one the
// device reports), the action, and one typed control per parameter with its range or values. The form
// does not enforce ranges itself (novalidate): the API validates, and its message is shown at the field.
import { api } from './api.js';
import { fill, h, showError } from './dom.js';

/**
 * @param device the device (with appliances)
 * @param plugins the plugin set
 * @param onSent called with the stored command
 */
export function pluginCommandForm(device, plugins, onSent) {
  const descriptors = new Map(plugins.loaded.map((p) => [p.id, p]));
  const appliances = device.appliances.filter((a) => descriptors.has(a.plugin));
  if (appliances.length === 0) {
    return h('p', { class: 'hint' }, 'The device reports no appliance of a loaded plugin.');
  }
  const appliance = h('select', { id: 'cmd-appliance', name: 'appliance' },
    appliances.map((a, i) => h('option', { value: i }, `${a.type} at ${a.address} (${a.plugin})`)));
  const action = h('select', { id: 'cmd-action', name: 'action' });
  const params = h('fieldset', { id: 'cmd-params' });
  let controls = {};

  const chosenAppliance = () => appliances[Number(appliance.value)];
  const typeSpec = () => descriptors.get(chosenAppliance().plugin).applianceTypes
    .find((t) => t.name === chosenAppliance().type);
  const actionSpec = () => typeSpec()?.actions.find((a) => a.name === action.value);

  function showActions() {
    const type = typeSpec();
    fill(action, (type ? type.actions : []).map((a) => h('option', { value: a.name }, a.description
      ? `${a.name}: ${a.description}` : a.name)));
    showParams();
  }

  function showParams() {
    const spec = actionSpec();
    controls = { appliance, action };
    fill(params, h('legend', {}, 'Parameters'),
      !spec || spec.params.length === 0 ? h('p', { class: 'hint' }, 'This action takes no parameters.') : null,
      (spec ? spec.params : []).map((p) => {
        const control = paramControl(p);
        controls[`params.${p.name}`] = control.input;
        return control.label;
      }));
  }

  const form = h('form', {
    id: 'plugin-command', novalidate: true, 'aria-labelledby': 'plugin-command-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const a = chosenAppliance();
      const body = { plugin: a.plugin, appliance: { type: a.type, address: a.address }, action: action.value,
        params: collect(actionSpec(), controls) };
      try {
        showError(form, null);
        onSent(await api('POST', `/devices/${encodeURIComponent(device.id)}/commands`, body));
      } catch (error) {
        showError(form, error, controls);
      }
    },
  },
  h('h3', { id: 'plugin-command-heading' }, 'Appliance command'),
  h('label', { for: 'cmd-appliance' }, 'Appliance ', appliance),
  h('label', { for: 'cmd-action' }, 'Action ', action),
  params,
  h('button', { type: 'submit', class: 'primary' }, 'Send command'));
  appliance.addEventListener('change', showActions);
  action.addEventListener('change', showParams);
  showActions();
  return form;
}

/** A labelled control for one ParamSpec; input is what the value is read from. */
function paramControl(p) {
  const id = `param-${p.name}`;
  const range = p.min !== undefined || p.max !== undefined ? ` ${p.min ?? '…'} to ${p.max ?? '…'}` : '';
  const hint = h('span', { class: 'hint' }, ` ${p.type}${range}${p.required ? ', required' : ', optional'}`
    + `${p.description ? ` — ${p.description}` : ''}`);
  let input;
  switch (p.type) {
    case 'integer':
    case 'number':
      input = h('input', { id, name: p.name, type: 'number', inputmode: p.type === 'integer' ? 'numeric' : 'decimal',
        min: p.min, max: p.max, step: p.type === 'integer' ? 1 : 'any', 'data-type': p.type });
      break;
    case 'boolean':
      input = h('select', { id, name: p.name, 'data-type': p.type },
        p.required ? null : h('option', { value: '' }, '(not set)'),
        h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
      break;
    case 'enum':
      input = h('select', { id, name: p.name, 'data-type': p.type },
        p.required ? null : h('option', { value: '' }, '(not set)'), p.allowed.map((v) => h('option', { value: v }, v)));
      break;
    case 'enum-list': {
      input = h('fieldset', { id, 'data-type': p.type, tabindex: -1 }, h('legend', {}, p.name, hint),
        p.allowed.map((v) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', value: v }), v)));
      return { label: input, input };
    }
    default:
      input = h('input', { id, name: p.name, type: 'text', 'data-type': p.type });
  }
  return { label: h('label', { for: id }, p.name, hint, ' ', input), input };
}

/** The params object: empty optional controls are left out, numbers and booleans sent as JSON values. */
function collect(spec, controls) {
  const params = {};
  for (const p of spec ? spec.params : []) {
    const input = controls[`params.${p.name}`];
    if (p.type === 'enum-list') {
      const values = [...input.querySelectorAll('input:checked')].map((c) => c.value);
      if (values.length) params[p.name] = values;
      continue;
    }
    const raw = input.value.trim();
    if (raw === '') continue;
    if (p.type === 'integer' || p.type === 'number') params[p.name] = Number(raw);
    else if (p.type === 'boolean') params[p.name] = raw === 'true';
    else params[p.name] = raw;
  }
  return params;
}

/** The plain form: any action with JSON params, for devices whose commands no plugin describes. */
export function plainCommandForm(device, onSent) {
  const action = h('input', { id: 'plain-action', name: 'action', required: true });
  const params = h('textarea', { id: 'plain-params', name: 'params', rows: 3, placeholder: '{"key": "value"}' });
  const ttl = h('input', { id: 'plain-ttl', name: 'ttl', placeholder: '1h' });
  const controls = { action, params, ttl };
  const form = h('form', {
    id: 'plain-command', novalidate: true, 'aria-labelledby': 'plain-command-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { action: action.value.trim() };
      try {
        showError(form, null);
        if (params.value.trim()) {
          try {
            body.params = JSON.parse(params.value);
          } catch {
            throw Object.assign(new Error('Parameters must be JSON.'), { field: 'params' });
          }
        }
        if (ttl.value.trim()) body.ttl = ttl.value.trim();
        onSent(await api('POST', `/devices/${encodeURIComponent(device.id)}/commands`, body));
        form.reset();
      } catch (error) {
        showError(form, error, controls);
      }
    },
  },
  h('h3', { id: 'plain-command-heading' }, 'Plain command'),
  h('div', { class: 'row' }, h('label', { for: 'plain-action' }, 'Action ', action),
    h('label', { for: 'plain-ttl' }, 'TTL ', h('span', { class: 'hint' }, '(e.g. 10m)'), ' ', ttl)),
  h('label', { for: 'plain-params' }, 'Parameters ', h('span', { class: 'hint' }, '(JSON, optional)'), params),
  h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Send')));
  return form;
}
