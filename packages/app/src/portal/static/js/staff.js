import { $, api, formatTime, h, hush, onSubmit, problem, say } from './common.js';

// Staff authenticate with ADMIN_TOKEN as a Bearer token; it stays in this tab's sessionStorage, never in a cookie.
const KEY = 'portal_admin_token';
const tokenForm = $('#token-form');
const review = $('#review');
const list = $('#providers');
const more = $('#more');
const msg = $('#page-msg');
let cursor;

const token = () => sessionStorage.getItem(KEY);

const needToken = (note) => {
  sessionStorage.removeItem(KEY);
  review.hidden = true;
  $('#token-section').hidden = false;
  if (note) say(tokenForm.querySelector('[data-msg]'), 'error', note);
};

const call = async (method, path, body) => {
  const r = await api(method, path, body, { bearer: token() });
  if (r.status === 401) needToken('The admin token was refused. Paste the current ADMIN_TOKEN.');
  return r;
};

const card = (p) => {
  const reasonId = `reason-${p.id}`;
  const status = h('p', { class: 'badge', text: p.status });
  const actions = h('div', { class: 'actions' });
  const article = h(
    'article',
    { class: 'card', 'aria-labelledby': `name-${p.id}` },
    h('h3', { id: `name-${p.id}`, text: p.name }),
    status,
    h(
      'dl',
      { class: 'facts' },
      [
        ['E-mail', p.email],
        ['Website', p.url],
        ['Description', p.description],
        ['Registered', formatTime(p.created_at)],
        ['E-mail verified', formatTime(p.verified_at)],
        ['Decided', formatTime(p.decided_at)],
        ...(p.reason ? [['Reason', p.reason]] : []),
      ].flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]),
    ),
    actions,
  );
  const done = (r, verb) => {
    if (!r.ok) {
      if (r.status !== 401) say(msg, 'error', `${p.name}: ${problem(r)}`);
      return;
    }
    status.textContent = r.json.status;
    actions.replaceChildren();
    say(msg, 'ok', `${verb} ${p.name} (${p.email}).`);
  };
  if (p.status === 'active' || p.status === 'rejected') {
    actions.append(
      h('button', {
        type: 'button',
        text: 'Approve',
        'aria-label': `Approve ${p.name}`,
        onclick: async (ev) => {
          ev.target.disabled = true;
          done(await call('POST', `/i/providers/${p.id}/approve`), 'Approved');
          ev.target.disabled = false;
        },
      }),
    );
  }
  if (p.status === 'active') {
    const form = h(
      'form',
      { class: 'reject' },
      h('label', { for: reasonId, text: `Reason for rejecting ${p.name}` }),
      h('textarea', { id: reasonId, name: 'reason', required: true, maxlength: '1024', rows: '2' }),
      h('button', { type: 'submit', class: 'danger', text: 'Reject' }),
    );
    onSubmit(form, async () => done(await call('POST', `/i/providers/${p.id}/reject`, { reason: form.elements.namedItem('reason').value.trim() }), 'Rejected'));
    actions.append(form);
  }
  return article;
};

const load = async (append) => {
  const status = $('#status').value;
  const q = new URLSearchParams({ size: '50' });
  if (status) q.set('status', status);
  if (append && cursor) q.set('cursor', cursor);
  const r = await call('GET', `/i/providers?${q}`);
  if (!r.ok) {
    if (r.status !== 401) say(msg, 'error', problem(r));
    return;
  }
  cursor = r.json.next;
  more.hidden = !r.json.has_more;
  const cards = r.json.providers.map(card);
  if (append) list.append(...cards);
  else list.replaceChildren(...(cards.length === 0 ? [h('p', { text: 'No provider accounts in this state.' })] : cards));
};

const showReview = async () => {
  $('#token-section').hidden = true;
  review.hidden = false;
  await load(false);
};

onSubmit(tokenForm, async () => {
  sessionStorage.setItem(KEY, tokenForm.elements.namedItem('token').value.trim());
  tokenForm.reset();
  hush(tokenForm.querySelector('[data-msg]'));
  await showReview();
});
onSubmit($('#filter-form'), () => {
  hush(msg);
  return load(false);
});
more.addEventListener('click', () => load(true));
$('#forget-token').addEventListener('click', () => {
  needToken();
  list.replaceChildren();
  say(msg, 'ok', 'The admin token was removed from this tab.');
});

if (token()) await showReview();
