import { $, api, groupFingerprint, h, onSubmit, problem, say, trimmed } from './common.js';

// Provider pages use the user-token routes (/providers/...): the token lives in this tab's sessionStorage only.
const KEY = 'portal_user_token';
const pid = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
const loginSection = $('#user-login');
const loginForm = $('#user-login-form');
const body = $('#provider-body');
const msg = $('#page-msg');

const askLogin = (note) => {
  sessionStorage.removeItem(KEY);
  body.hidden = true;
  loginSection.hidden = false;
  if (note) say(loginForm.querySelector('[data-msg]'), 'info', note);
};

const serviceCard = (s) =>
  h(
    'article',
    { class: 'card' },
    h('h3', { text: s.name }),
    h('p', { text: s.summary }),
    h('p', { text: s.description }),
    h('p', { class: 'hint', text: `Tags: ${s.tags.join(', ')}` }),
    h('h4', { text: 'Identity fingerprints' }),
    s.identity_fingerprints.length === 0
      ? h('p', { text: 'None published.' })
      : h('ul', { class: 'plain' }, s.identity_fingerprints.map((f) => h('li', {}, h('code', { class: 'fingerprint', text: groupFingerprint(f) })))),
  );

const load = async () => {
  const token = sessionStorage.getItem(KEY);
  if (!token) return askLogin();
  const [p, s] = await Promise.all([
    api('GET', `/providers/${encodeURIComponent(pid)}`, undefined, { bearer: token }),
    api('GET', `/providers/${encodeURIComponent(pid)}/services`, undefined, { bearer: token }),
  ]);
  if (p.status === 401 || s.status === 401) return askLogin('Your session expired; please sign in again.');
  if (p.status === 404) {
    say(msg, 'error', 'Provider not found.');
    return;
  }
  if (!p.ok || !s.ok) {
    say(msg, 'error', problem(p.ok ? s : p));
    return;
  }
  const provider = p.json;
  document.title = `${provider.name} — Service provider portal`;
  $('#provider-title').textContent = provider.name;
  $('#provider-description').textContent = provider.description;
  const website = /^https:\/\//i.test(provider.url) ? h('a', { href: provider.url, rel: 'noopener noreferrer external', text: provider.url }) : provider.url;
  $('#provider-website').replaceChildren('Website: ', website);
  const enabled = s.json.filter((x) => x.enabled);
  $('#provider-services').replaceChildren(...(enabled.length === 0 ? [h('p', { text: 'No services are available at the moment.' })] : enabled.map(serviceCard)));
  loginSection.hidden = true;
  body.hidden = false;
};

onSubmit(loginForm, async () => {
  const r = await api('POST', '/login', { email: trimmed(loginForm, 'email'), password: loginForm.elements.namedItem('password').value });
  if (r.status !== 200) {
    say(loginForm.querySelector('[data-msg]'), 'error', r.status === 403 ? 'Sign-in failed: wrong e-mail address or password.' : problem(r));
    return;
  }
  sessionStorage.setItem(KEY, r.json.access_token);
  loginForm.reset();
  await load();
});

$('#user-logout').addEventListener('click', () => askLogin('You are signed out.'));

await load();
