import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { createServiceOk, enable, newUser, setConnection, startServiceApp } from './support.js';

const TAGS = [
  'audio', 'books', 'business', 'design', 'education', 'entertainment', 'finance', 'fitness', 'food-drink', 'games', 'graphics',
  'health', 'integration', 'lifestyle', 'media', 'medical', 'movies', 'music', 'news', 'photography', 'poll', 'productivity',
  'quiz', 'rating', 'shopping', 'social', 'sports', 'travel', 'tutorial', 'video', 'weather',
];

describe('directory and public provider pages (services.md §6)', () => {
  let app: TestApp;
  let p: ProviderSession;
  let user: string;
  beforeAll(async () => {
    app = await startServiceApp();
    p = await approvedProvider(app);
    user = (await newUser(app)).token;
  });
  afterAll(async () => app.stop());

  const search = (query: string) => app.req('GET', `/services?${query}`, { token: user });
  const names = async (query: string) => {
    const r = await search(query);
    expect(r.status, r.text).toBe(200);
    return r.json.services.map((s: { name: string }) => s.name);
  };
  /** creates an enabled service */
  const listed = async (name: string, tags: string[] = ['social'], provider = p) => {
    const sid = await createServiceOk(app, provider.token, { name, tags });
    await enable(app, provider, sid);
    return sid;
  };

  it('GET /services/tags lists the 31 tags in order', async () => {
    const r = await app.req('GET', '/services/tags', { token: user });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(TAGS);
  });

  it('needs a user token', async () => {
    expect((await app.req('GET', '/services?start=a')).json.label).toBe('missing-auth');
    expect((await app.req('GET', '/services?start=a', { token: p.token })).json.label).toBe('access-denied');
  });

  it('400 when neither tags nor start is given', async () => {
    const r = await search('size=20');
    expect(r.json).toEqual({ code: 400, label: 'bad-request', message: 'At least `tags` or `start` must be provided.' });
  });

  it('matches name prefixes case-insensitively without folding accents', async () => {
    await listed('bjorn');
    await listed('Bjørn');
    await listed('Björk');
    await listed('Xbj');
    // by code point after lowercasing: o (U+006F) < ö (U+00F6) < ø (U+00F8)
    expect(await names('start=Bj')).toEqual(['bjorn', 'Björk', 'Bjørn']);
    expect(await names('start=Bjø')).toEqual(['Bjørn']);
    expect(await names('start=BJØ')).toEqual(['Bjørn']);
    expect(await names('start=bjo')).toEqual(['bjorn']);
    expect(await names(`start=${encodeURIComponent('BJÖ')}`)).toEqual(['Björk']);
  });

  it('answers ServiceProfile entries', async () => {
    const sid = await createServiceOk(app, p.token, {
      name: 'Profiled',
      tags: ['tutorial', 'social'],
      assets: [{ type: 'image', key: '3-1-x', size: 'preview' }],
      identity_fingerprints: ['9a'.repeat(32)],
    });
    await enable(app, p, sid);
    const r = await search('start=profiled');
    expect(r.json).toEqual({
      has_more: false,
      services: [
        {
          id: sid,
          provider: p.id,
          name: 'Profiled',
          summary: 'Repeats what you say',
          description: 'A bot that echoes every text message.',
          assets: [{ type: 'image', key: '3-1-x', size: 'preview' }],
          tags: ['social', 'tutorial'],
          enabled: true,
          identity_fingerprints: ['9a'.repeat(32)],
        },
      ],
    });
  });

  it('follows renames and profile changes at once', async () => {
    const sid = await listed('Renamed Before', ['news']);
    expect(await names('start=renamed')).toEqual(['Renamed Before']);
    await app.req('PUT', `/provider/services/${sid}`, { token: p.token, body: { name: 'Moved After', tags: ['weather'] } });
    expect(await names('start=renamed')).toEqual([]);
    expect(await names('start=moved')).toEqual(['Moved After']);
    expect(await names('tags=news')).not.toContain('Moved After');
    expect(await names('tags=weather')).toContain('Moved After');
  });

  it('lists only enabled services; disabled ones stay on the provider page; deleted ones vanish', async () => {
    const q = await approvedProvider(app);
    const on = await listed('Vis On', ['poll'], q);
    const off = await createServiceOk(app, q.token, { name: 'Vis Off', tags: ['poll'] });
    const gone = await listed('Vis Gone', ['poll'], q);
    expect(await names('start=vis')).toEqual(['Vis Gone', 'Vis On']);
    await app.req('DELETE', `/provider/services/${gone}`, { token: q.token, body: { password: q.password } });
    expect(await names('start=vis')).toEqual(['Vis On']);
    expect(await names('tags=poll')).toEqual(['Vis On']);
    const page = await app.req('GET', `/providers/${q.id}/services`, { token: user });
    expect(page.status).toBe(200);
    expect(page.json.map((s: { name: string; enabled: boolean }) => [s.name, s.enabled])).toEqual([
      ['Vis Off', false],
      ['Vis On', true],
    ]);
    expect((await app.req('GET', `/providers/${q.id}/services/${off}`, { token: user })).json).toMatchObject({ id: off, enabled: false, provider: q.id });
    expect((await app.req('GET', `/providers/${q.id}/services/${on}`, { token: user })).json.enabled).toBe(true);
    for (const [pid, sid] of [
      [q.id, gone],
      [p.id, on],
      [q.id, '00000000-0000-4000-8000-000000000000'],
    ])
      expect((await app.req('GET', `/providers/${pid}/services/${sid}`, { token: user })).json).toEqual({
        code: 404,
        label: 'not-found',
        message: 'Service not found.',
      });
    expect((await app.req('GET', '/providers/00000000-0000-4000-8000-000000000000/services', { token: user })).json).toEqual([]);
    expect((await app.req('GET', '/providers/nope/services', { token: user })).status).toBe(400);
    // a disabled-again service leaves the directory
    await setConnection(app, q, on, { enabled: false });
    expect(await names('start=vis')).toEqual([]);
  });

  it('combines tag groups: `,` is OR, `.` is AND; start narrows', async () => {
    await listed('Tg both', ['fitness', 'sports']);
    await listed('Tg fitness', ['fitness']);
    await listed('Tg video', ['video']);
    await listed('Other video', ['video']);
    expect(await names('tags=fitness.sports')).toEqual(['Tg both']);
    expect(await names('tags=fitness.sports,video')).toEqual(['Other video', 'Tg both', 'Tg video']);
    expect(await names('tags=fitness')).toEqual(['Tg both', 'Tg fitness']);
    expect(await names('tags=fitness.sports,video&start=tg')).toEqual(['Tg both', 'Tg video']);
    expect(await names('tags=sports.fitness.sports')).toEqual(['Tg both']);
  });

  it('400 for every invalid parameter', async () => {
    const cases = [
      'start=',
      `start=${'a'.repeat(129)}`,
      'tags=cooking',
      'tags=social,',
      'tags=social..quiz',
      'tags=a,b,c,d'.replace(/[abcd]/g, 'music'),
      'tags=music.quiz.news.poll',
      'start=a&size=9',
      'start=a&size=101',
      'start=a&size=ten',
      'start=a&size=',
      'start=a&start=b',
      'start=a&cursor=%%%',
      'start=a&cursor=bm9wZQ',
    ];
    for (const q of cases) {
      const r = await search(q);
      expect(r.status, q).toBe(400);
      expect(r.json.label, q).toBe('bad-request');
    }
    expect((await search('tags=cooking')).json.message).toBe('Invalid tag: cooking');
    expect((await search(`start=${'😀'.repeat(128)}`)).status).toBe(200);
  });

  it('pages with exact has_more and a cursor bound to its query', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await listed(`Pg ${String(i).padStart(2, '0')}`, ['games']));
    const first = await search('start=pg&size=10');
    expect(first.json.has_more).toBe(true);
    expect(first.json.services).toHaveLength(10);
    const second = await search(`start=pg&size=10&cursor=${first.json.next}`);
    expect(second.json.has_more).toBe(true);
    const rest = await search(`start=pg&size=20&cursor=${second.json.next}`);
    expect(rest.json.has_more).toBe(false);
    expect(rest.json).not.toHaveProperty('next');
    expect([...first.json.services, ...second.json.services, ...rest.json.services].map((s: { id: string }) => s.id)).toEqual(ids);
    // one item left after a page: has_more must be true, then the last page is that one item
    const nearEnd = await search(`start=pg&tags=games&size=24`);
    expect(nearEnd.json.has_more).toBe(true);
    const last = await search(`start=pg&tags=games&size=10&cursor=${nearEnd.json.next}`);
    expect(last.json).toEqual({ has_more: false, services: [expect.objectContaining({ name: 'Pg 24' })] });
    // default size 20
    expect((await search('tags=games')).json.services).toHaveLength(20);
    // a cursor of another query
    for (const q of [`start=pgx&cursor=${first.json.next}`, `tags=games&cursor=${first.json.next}`, `start=pg&tags=games&cursor=${first.json.next}`]) {
      const r = await search(q);
      expect(r.status, q).toBe(400);
    }
  });
});
