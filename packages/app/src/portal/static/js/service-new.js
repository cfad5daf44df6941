import { $, api, bindLogout, checkedTags, fileText, keyProblem, lines, onSubmit, requireProvider, say, tagCheckboxes, trimmed } from './common.js';

bindLogout();
const form = $('#service-form');
const msg = form.querySelector('[data-msg]');
tagCheckboxes($('#s-tags'));
await requireProvider();

onSubmit(form, async () => {
  const [fromFile] = await fileText(form.elements.namedItem('key_file'));
  const publicKey = fromFile ?? form.elements.namedItem('key_text').value;
  if (!publicKey.trim()) {
    say(msg, 'error', 'Choose a public key file or paste the key.');
    return;
  }
  const body = {
    name: trimmed(form, 'name'),
    summary: trimmed(form, 'summary'),
    description: trimmed(form, 'description'),
    base_url: trimmed(form, 'base_url'),
    tags: checkedTags(form),
    public_key: publicKey,
    identity_fingerprints: lines(form.elements.namedItem('identity_fingerprints').value),
  };
  const token = trimmed(form, 'auth_token');
  if (token) body.auth_token = token;
  const r = await api('POST', '/provider/services', body);
  if (r.status !== 201) {
    say(msg, 'error', keyProblem(r));
    return;
  }
  form.hidden = true;
  if (r.json.auth_token) {
    $('#created-token-value').textContent = r.json.auth_token;
    $('#created-token').hidden = false;
  }
  $('#created-link').href = `/portal/services/${r.json.id}`;
  const created = $('#created');
  created.hidden = false;
  created.tabIndex = -1;
  created.focus();
});
