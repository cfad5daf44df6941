import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { approvedProvider, type ProviderSession } from '../support/providers.js';
import { createServiceOk, enable, newUser, startServiceApp } from './support.js';

type User = Awaited<ReturnType<typeof newUser>>;

describe('team whitelist (services.md §7)', () => {
  let app: TestApp;
  let p: ProviderSession;
  let owner: User;
  let admin: User;
  let member: User;
  let outsider: User;
  let team: string;

  beforeAll(async () => {
    app = await startServiceApp();
    p = await approvedProvider(app);
    [owner, admin, member, outsider] = await Promise.all([newUser(app, 'Owner'), newUser(app, 'Admin'), newUser(app, 'Member'), newUser(app, 'Out')]);
    const t = await app.req('POST', '/teams', { token: owner.token, body: { name: 'Acme' } });
    expect(t.status, t.text).toBe(201);
    team = t.json.id;
    for (const [u, role] of [
      [admin, 'admin'],
      [member, 'member'],
    ] as const) {
      const r = await app.req('POST', `/teams/${team}/members`, { token: owner.token, body: { user: u.id, role } });
      expect(r.status, r.text).toBe(200);
    }
  });
  afterAll(async () => app.stop());

  const setWl = (who: User, sid: string, whitelisted: boolean, provider = p.id, tid = team) =>
    app.req('POST', `/teams/${tid}/services/whitelist`, { token: who.token, body: { provider, id: sid, whitelisted } });
  const listWl = (who: User, query = '', tid = team) => app.req('GET', `/teams/${tid}/services/whitelisted?${query}`, { token: who.token });
  const wlNames = async (query = '') => {
    const r = await listWl(member, query);
    expect(r.status, r.text).toBe(200);
    return r.json.services.map((s: { name: string }) => s.name);
  };

  it('owners and admins whitelist: 200 when it changes, 204 when already so', async () => {
    const sid = await createServiceOk(app, p.token, { name: 'Wl One' });
    await enable(app, p, sid);
    const r = await setWl(owner, sid, true);
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await setWl(admin, sid, true)).status).toBe(204);
    expect(await wlNames('prefix=wl%20one')).toEqual(['Wl One']);
    expect((await setWl(admin, sid, false)).status).toBe(200);
    expect((await setWl(owner, sid, false)).status).toBe(204);
    expect(await wlNames('prefix=wl%20one')).toEqual([]);
  });

  it('403 insufficient-permissions for members and outsiders, before the service is looked at', async () => {
    const sid = await createServiceOk(app, p.token, { name: 'Wl Perm' });
    for (const who of [member, outsider]) {
      const r = await setWl(who, sid, true);
      expect(r.json).toEqual({ code: 403, label: 'insufficient-permissions', message: 'Insufficient team permissions' });
      const unknown = await setWl(who, '00000000-0000-4000-8000-000000000000', true);
      expect(unknown.status).toBe(403);
    }
    const other = await app.req('POST', '/teams/00000000-0000-4000-8000-000000000000/services/whitelist', {
      token: owner.token,
      body: { provider: p.id, id: sid, whitelisted: true },
    });
    expect(other.status).toBe(403);
    expect(await wlNames('filter_disabled=false&prefix=wl%20perm')).toEqual([]);
  });

  it('404 "Service not found." for unknown pairs and deleting services; disabled services may be whitelisted', async () => {
    const sid = await createServiceOk(app, p.token, { name: 'Wl Disabled' });
    const q = await approvedProvider(app);
    for (const [provider, id] of [
      [q.id, sid],
      [p.id, '00000000-0000-4000-8000-000000000000'],
    ])
      expect((await setWl(owner, id!, true, provider)).json).toEqual({ code: 404, label: 'not-found', message: 'Service not found.' });
    expect((await setWl(owner, sid, true)).status).toBe(200);
    const doomed = await createServiceOk(app, p.token, { name: 'Wl Doomed' });
    expect((await setWl(owner, doomed, true)).status).toBe(200);
    expect(await wlNames('filter_disabled=false&prefix=wl%20do')).toEqual(['Wl Doomed']);
    await app.req('DELETE', `/provider/services/${doomed}`, { token: p.token, body: { password: p.password } });
    expect(await wlNames('filter_disabled=false&prefix=wl%20do')).toEqual([]);
    expect((await setWl(owner, doomed, false)).json.message).toBe('Service not found.');
  });

  it('400 for invalid bodies', async () => {
    for (const body of [{}, { provider: p.id, id: 'x', whitelisted: true }, { provider: p.id, id: p.id, whitelisted: 'yes' }]) {
      const r = await app.req('POST', `/teams/${team}/services/whitelist`, { token: owner.token, body });
      expect(r.status).toBe(400);
      expect(r.json.label).toBe('bad-request');
    }
  });

  it('lists for any member: prefix, filter_disabled, exact pages with a cursor', async () => {
    const t = await app.req('POST', '/teams', { token: outsider.token, body: { name: 'Paging' } });
    const tid = t.json.id as string;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const sid = await createServiceOk(app, p.token, { name: `Lst ${String(i).padStart(2, '0')}` });
      if (i % 3 !== 0) await enable(app, p, sid);
      expect((await setWl(outsider, sid, true, p.id, tid)).status).toBe(200);
      ids.push(sid);
    }
    const enabled = ids.filter((_, i) => i % 3 !== 0);
    const page = await listWl(outsider, 'size=10', tid);
    expect(page.json).toEqual({ has_more: false, services: expect.any(Array) });
    expect(page.json.services.map((s: { id: string }) => s.id)).toEqual(enabled);
    expect(page.json.services[0]).toMatchObject({ provider: p.id, enabled: true, tags: ['social'] });

    const first = await listWl(outsider, 'filter_disabled=false&size=10', tid);
    expect(first.json.has_more).toBe(true);
    const second = await listWl(outsider, `filter_disabled=false&size=10&cursor=${first.json.next}`, tid);
    expect(second.json).toEqual({ has_more: false, services: expect.any(Array) });
    expect([...first.json.services, ...second.json.services].map((s: { id: string }) => s.id)).toEqual(ids);
    expect((await listWl(outsider, 'prefix=LST%2011&filter_disabled=false', tid)).json.services.map((s: { id: string }) => s.id)).toEqual([ids[11]]);

    for (const q of [
      `filter_disabled=true&size=10&cursor=${first.json.next}`,
      `filter_disabled=false&size=10&cursor=${first.json.next}&prefix=l`,
      'prefix=',
      `prefix=${'p'.repeat(129)}`,
      'filter_disabled=maybe',
      'size=5',
      'size=101',
      'cursor=abc',
    ]) {
      const r = await listWl(outsider, q, tid);
      expect(r.status, q).toBe(400);
      expect(r.json.label).toBe('bad-request');
    }
    // a cursor of one team does not work for another
    expect((await listWl(owner, `filter_disabled=false&size=10&cursor=${first.json.next}`)).status).toBe(400);
  });

  it('403 "Insufficient permissions" when the reader is not a team member', async () => {
    const r = await listWl(outsider);
    expect(r.json).toEqual({ code: 403, label: 'insufficient-permissions', message: 'Insufficient permissions' });
    for (const who of [owner, admin, member]) expect((await listWl(who)).status).toBe(200);
    expect((await app.req('GET', `/teams/${team}/services/whitelisted`, { token: p.token })).json.label).toBe('access-denied');
  });
});
