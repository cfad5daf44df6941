import { $, api, problem, say } from './common.js';

// The mailed link points at the API route; this page is the friendly landing that calls the same route.
const params = new URLSearchParams(location.search);
const key = params.get('key');
const code = params.get('code');
const msg = $('#page-msg');
const pending = $('#activate-pending');

const finish = (kind, text) => {
  pending.hidden = true;
  say(msg, kind, text);
  $('#activate-next').hidden = kind === 'error';
};

if (!key || !code) finish('error', 'This verification link is incomplete: copy the whole link from the e-mail.');
else {
  const r = await api('GET', `/provider/activate?${new URLSearchParams({ key, code })}`);
  if (r.status === 200)
    finish('ok', `Your e-mail address ${r.json?.email ?? ''} is verified. New accounts are reviewed by staff; you receive an e-mail once yours is approved. You can log in now.`);
  else if (r.status === 204) finish('ok', 'This link was already used: your e-mail address is verified.');
  else if (r.status === 403) finish('error', 'This verification link is invalid, was replaced by a newer one, or has expired. Register again to get a new link.');
  else finish('error', problem(r));
}
