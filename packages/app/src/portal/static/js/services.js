import { $, api, bindLogout, h, pageError, problem, requireProvider, say } from './common.js';

bindLogout();
const flash = sessionStorage.getItem('portal_flash');
if (flash) {
  sessionStorage.removeItem('portal_flash');
  say($('#page-msg'), 'ok', flash);
}

const HEALTH = { healthy: 'healthy', failing: 'failing', penalised: 'paused (circuit breaker open)' };

const table = (services) =>
  h(
    'table',
    { class: 'list' },
    h('caption', { class: 'visually-hidden', text: 'Your services' }),
    h('thead', {}, h('tr', {}, ['Name', 'State', 'Health', 'Tags'].map((t) => h('th', { scope: 'col', text: t })))),
    h(
      'tbody',
      {},
      services.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `/portal/services/${s.id}`, text: s.name })),
          h('td', {}, h('span', { class: s.enabled ? 'badge on' : 'badge off', text: s.enabled ? 'enabled' : 'disabled' })),
          h('td', { text: HEALTH[s.health?.status] ?? s.health?.status ?? '—' }),
          h('td', { text: s.tags.join(', ') }),
        ),
      ),
    ),
  );

try {
  const provider = await requireProvider();
  if (provider.status !== 'approved') {
    const note = $('#approval-note');
    note.textContent =
      provider.status === 'rejected'
        ? 'Staff declined this account, so you cannot create services.'
        : 'Your account awaits staff approval. You can create services once it is approved.';
    note.hidden = false;
  }
  const r = await api('GET', '/provider/services');
  if (!r.ok) throw new Error(problem(r));
  const list = $('#services-list');
  list.replaceChildren(r.json.length === 0 ? h('p', { text: 'No services yet.' }) : table(r.json));
  const link = $('#public-link');
  link.replaceChildren('Your public provider page: ', h('a', { href: `/portal/providers/${provider.id}`, text: `/portal/providers/${provider.id}` }));
  link.hidden = false;
} catch (e) {
  pageError(e);
}
