import {
  $, api, bindLogout, checkedTags, fileText, formatTime, groupFingerprint, h, hush, keyProblem, lines, onSubmit, problem,
  requireProvider, say, tagCheckboxes, trimmed,
} from './common.js';

bindLogout();
const sid = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
const path = `/provider/services/${encodeURIComponent(sid)}`;
const region = (form) => form.querySelector('[data-msg]');
let service;

const HEALTH = {
  healthy: 'Healthy: the last delivery succeeded.',
  failing: 'Failing: recent deliveries failed.',
  penalised: 'Paused: the circuit breaker is open after repeated failures; deliveries resume after a successful probe.',
};

const facts = (dl, rows) =>
  dl.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));

const render = () => {
  document.title = `${service.name} — Service provider portal`;
  $('#service-title').textContent = service.name;
  $('#service-state').replaceChildren(
    h('span', { class: service.enabled ? 'badge on' : 'badge off', text: service.enabled ? 'enabled' : 'disabled' }),
    service.enabled ? ' Listed in the directory and receiving requests.' : ' Not listed; receives no requests.',
  );
  const hl = service.health;
  facts($('#health'), [
    ['Breaker state', HEALTH[hl.status] ?? hl.status],
    ['Consecutive failures', String(hl.consecutive_failures)],
    ['Delivered', String(hl.delivered)],
    ['Failed', String(hl.failed)],
    ['Gone (bot unknown to the service)', String(hl.gone)],
    ['Dropped (service disabled)', String(hl.dropped)],
    ['Last error', hl.last_error ?? '—'],
    ['Last error at', formatTime(hl.last_error_at)],
    ['Last success at', formatTime(hl.last_success_at)],
    ['Next probe at', formatTime(hl.probe_at)],
  ]);
  const tokens = h('span', { class: 'mono', text: service.auth_tokens.map(() => '••••••••').join(', ') });
  const reveal = h('button', {
    type: 'button',
    text: 'Show',
    'aria-label': 'Show auth tokens',
    onclick: () => {
      tokens.textContent = service.auth_tokens.join(', ');
      reveal.remove();
    },
  });
  facts($('#connection'), [
    ['Base URL', h('code', { text: service.base_url })],
    ['Auth tokens', h('span', {}, tokens, ' ', reveal)],
    [
      'Identity fingerprints',
      service.identity_fingerprints.length === 0
        ? 'none published'
        : h('ul', { class: 'plain' }, service.identity_fingerprints.map((f) => h('li', {}, h('code', { text: groupFingerprint(f) })))),
    ],
  ]);
  $('#keys').replaceChildren(
    ...service.public_keys.map((k, i) =>
      h(
        'li',
        {},
        h('p', {}, h('strong', { text: `Key ${i + 1}: ` }), `${k.type.toUpperCase()} ${k.size} bits, pin `, h('code', { class: 'pin', text: k.fingerprint })),
        h('details', {}, h('summary', { text: 'PEM' }), h('pre', { text: k.pem })),
      ),
    ),
  );
  const p = $('#profile-form');
  p.elements.namedItem('name').value = service.name;
  p.elements.namedItem('summary').value = service.summary;
  p.elements.namedItem('description').value = service.description;
  tagCheckboxes($('#e-tags'), service.tags);
  fillConnection();
};

const fillConnection = () => {
  const c = $('#connection-form');
  c.elements.namedItem('enabled').checked = service.enabled;
  c.elements.namedItem('base_url').value = service.base_url;
  c.elements.namedItem('auth_tokens').value = service.auth_tokens.join('\n');
  c.elements.namedItem('identity_fingerprints').value = service.identity_fingerprints.join('\n');
  c.elements.namedItem('public_keys').value = '';
};

const load = async () => {
  const r = await api('GET', path);
  if (r.status === 404) throw new Error('Service not found: it does not exist, belongs to another provider, or was deleted.');
  if (!r.ok) throw new Error(problem(r));
  service = r.json;
  render();
  $('#service-body').hidden = false;
};

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

try {
  await requireProvider();
  await load();
} catch (e) {
  say($('#page-msg'), 'error', e.message);
}

$('#refresh').addEventListener('click', () => load().catch((e) => say($('#page-msg'), 'error', e.message)));

const toggle = $('#connection-toggle');
const showConnectionForm = (open) => {
  const form = $('#connection-form');
  form.hidden = !open;
  toggle.setAttribute('aria-expanded', String(open));
  if (open) {
    hush($('#connection-msg'));
    form.elements.namedItem('password').focus();
  } else fillConnection();
};
toggle.addEventListener('click', () => showConnectionForm($('#connection-form').hidden));

const connection = $('#connection-form');
onSubmit(connection, async () => {
  // Only what changed is sent: every present field replaces the stored value.
  const body = { password: connection.elements.namedItem('password').value };
  const enabled = connection.elements.namedItem('enabled').checked;
  if (enabled !== service.enabled) body.enabled = enabled;
  const baseUrl = trimmed(connection, 'base_url');
  if (baseUrl !== service.base_url) body.base_url = baseUrl;
  const tokens = lines(connection.elements.namedItem('auth_tokens').value);
  if (!same(tokens, service.auth_tokens)) body.auth_tokens = tokens;
  const fps = lines(connection.elements.namedItem('identity_fingerprints').value);
  if (!same(fps, service.identity_fingerprints)) body.identity_fingerprints = fps;
  const keys = await fileText(connection.elements.namedItem('public_keys'));
  if (keys.length > 0) body.public_keys = keys;
  if (Object.keys(body).length === 1) {
    say(region(connection), 'info', 'Nothing changed.');
    return;
  }
  const r = await api('PUT', `${path}/connection`, body);
  if (!r.ok) {
    say(region(connection), 'error', keyProblem(r));
    return;
  }
  connection.elements.namedItem('password').value = '';
  hush(region(connection));
  await load();
  showConnectionForm(false);
  say($('#connection-msg'), 'ok', body.enabled === true ? 'Connection saved; the service is enabled.' : body.enabled === false ? 'Connection saved; the service is disabled.' : 'Connection saved.');
});

const profile = $('#profile-form');
onSubmit(profile, async () => {
  const r = await api('PUT', path, {
    name: trimmed(profile, 'name'),
    summary: trimmed(profile, 'summary'),
    description: trimmed(profile, 'description'),
    tags: checkedTags(profile),
  });
  if (!r.ok) {
    say(region(profile), 'error', problem(r));
    return;
  }
  hush($('#page-msg'));
  await load();
  say(region(profile), 'ok', 'Profile saved.');
});

const del = $('#delete-form');
onSubmit(del, async () => {
  const r = await api('DELETE', path, { password: del.elements.namedItem('password').value });
  if (r.status === 202) {
    // A flash in sessionStorage rather than the URL, so no link can make the list page show arbitrary text.
    sessionStorage.setItem('portal_flash', `The service “${service.name}” was deleted; its bots are being removed.`);
    location.assign('/portal/services');
  }
  else say(region(del), 'error', problem(r));
});
