import { $, api, onSubmit, problem, say, trimmed } from './common.js';

const form = $('#register-form');
const msg = $('#page-msg');

onSubmit(form, async () => {
  const body = {
    name: trimmed(form, 'name'),
    email: trimmed(form, 'email'),
    url: trimmed(form, 'url'),
    description: trimmed(form, 'description'),
  };
  const password = form.elements.namedItem('password').value;
  if (password !== '') body.password = password;
  const r = await api('POST', '/provider/register', body);
  if (r.status !== 201) {
    say(msg, 'error', problem(r));
    return;
  }
  form.reset();
  form.hidden = true;
  msg.hidden = true;
  $('#registered-text').textContent =
    `We sent a verification link to ${body.email}. Open it to verify the address; staff then review your account and you receive an e-mail when it is approved.`;
  if (typeof r.json?.password === 'string') {
    $('#generated-password').textContent = r.json.password;
    $('#generated').hidden = false;
  }
  const section = $('#registered');
  section.hidden = false;
  section.tabIndex = -1;
  section.focus();
});

$('#copy-password').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('#generated-password').textContent);
    $('#copy-password').textContent = 'Copied';
  } catch {
    $('#copy-password').textContent = 'Copy failed: select the text instead';
  }
});
