import { $, api, bindLogout, onSubmit, pageError, problem, requireProvider, say, trimmed } from './common.js';

bindLogout();
const STATUS_TEXT = {
  approved: 'Your account is approved: you can create and enable services.',
  active: 'Your e-mail address is verified; the account awaits staff approval.',
  rejected: 'Staff declined this account; you cannot create services. The e-mail we sent you gives the reason.',
};
const region = (form) => form.querySelector('[data-msg]');

const show = (p) => {
  $('#account-status').textContent = STATUS_TEXT[p.status] ?? `Status: ${p.status}`;
  $('#current-email').textContent = p.email;
  const f = $('#profile-form');
  f.elements.namedItem('name').value = p.name;
  f.elements.namedItem('url').value = p.url;
  f.elements.namedItem('description').value = p.description;
};

try {
  show(await requireProvider());
} catch (e) {
  pageError(e);
}

const profile = $('#profile-form');
onSubmit(profile, async () => {
  const r = await api('PUT', '/provider', {
    name: trimmed(profile, 'name'),
    url: trimmed(profile, 'url'),
    description: trimmed(profile, 'description'),
  });
  say(region(profile), r.ok ? 'ok' : 'error', r.ok ? 'Profile saved.' : problem(r));
});

const email = $('#email-form');
onSubmit(email, async () => {
  const address = trimmed(email, 'email');
  const r = await api('PUT', '/provider/email', { email: address });
  if (r.status === 202) {
    email.reset();
    say(region(email), 'ok', `We sent a verification link to ${address}. Until you open it, keep logging in with your current address.`);
  } else say(region(email), 'error', problem(r));
});

const password = $('#password-form');
onSubmit(password, async () => {
  const next = password.elements.namedItem('new_password').value;
  if (next !== password.elements.namedItem('new_password_2').value) {
    say(region(password), 'error', 'The two new passwords differ.');
    return;
  }
  const r = await api('PUT', '/provider/password', { old_password: password.elements.namedItem('old_password').value, new_password: next });
  if (r.ok) password.reset();
  say(region(password), r.ok ? 'ok' : 'error', r.ok ? 'Password changed.' : problem(r));
});

const del = $('#delete-form');
onSubmit(del, async () => {
  const r = await api('DELETE', '/provider', { password: del.elements.namedItem('password').value });
  if (!r.ok) {
    say(region(del), 'error', problem(r));
    return;
  }
  await api('POST', '/portal/logout');
  location.assign('/portal?deleted=1');
});
