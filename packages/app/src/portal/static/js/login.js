import { $, api, onSubmit, problem, say, trimmed } from './common.js';

const form = $('#login-form');
const msg = $('#page-msg');
const params = new URLSearchParams(location.search);
if (params.has('loggedout')) say(msg, 'ok', 'You are logged out.');

/** Only portal paths, so the login page cannot be used to bounce users elsewhere. */
const next = () => {
  const n = params.get('next') ?? '';
  return /^\/portal(\/[A-Za-z0-9/_-]*)?$/.test(n) && !n.startsWith('/portal/login') ? n : '/portal/services';
};

onSubmit(form, async () => {
  const r = await api('POST', '/provider/login', { email: trimmed(form, 'email'), password: form.elements.namedItem('password').value });
  if (r.status === 200) {
    location.assign(next());
    return;
  }
  if (r.status === 403)
    say(msg, 'error', 'Log-in failed: the e-mail address or password is wrong, or the address is not verified yet.');
  else say(msg, 'error', problem(r));
});
