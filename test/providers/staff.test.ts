import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '@spp/adapters';
import type { TestApp } from '../support/app.js';
import { activate, admin, register, startProviderApp, uniqueEmail } from './http.js';

describe('staff routes /i/providers', () => {
  let app: TestApp;
  const clock = new FakeClock();
  const ids: string[] = [];
  beforeAll(async () => {
    app = await startProviderApp({}, { clock });
    // seven providers, two of them created in the same millisecond (order then falls back to the id)
    for (let i = 0; i < 7; i++) {
      if (i !== 3) clock.advance(1000);
      const p = await register(app);
      ids.push(p.id);
      if (i % 2 === 0) await activate(app, p.email);
    }
  });
  afterAll(async () => app.stop());

  it('lists all non-deleted providers sorted by (created_at, id) with AdminProvider fields', async () => {
    const r = await admin(app, 'GET', '/i/providers');
    expect(r.status).toBe(200);
    expect(r.json.has_more).toBe(false);
    expect(r.json.next).toBeUndefined();
    const list = r.json.providers as { id: string; created_at: string; status: string }[];
    expect(list.map((p) => p.id).sort()).toEqual([...ids].sort());
    const keys = list.map((p) => `${p.created_at} ${p.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(Object.keys(list[0]!).sort()).toEqual(
      ['created_at', 'decided_at', 'description', 'email', 'id', 'name', 'reason', 'status', 'url', 'verified_at'].sort(),
    );
  });

  it('filters by status; pending is an alias of active', async () => {
    const active = (await admin(app, 'GET', '/i/providers?status=active')).json.providers.map((p: { id: string }) => p.id);
    const pending = (await admin(app, 'GET', '/i/providers?status=pending')).json.providers.map((p: { id: string }) => p.id);
    const registered = (await admin(app, 'GET', '/i/providers?status=registered')).json.providers.map((p: { id: string }) => p.id);
    expect(pending).toEqual(active);
    expect(active).toHaveLength(4);
    expect(registered).toHaveLength(3);
    expect([...active, ...registered].sort()).toEqual([...ids].sort());
    expect((await admin(app, 'GET', '/i/providers?status=approved')).json.providers).toEqual([]);
  });

  it('pages with an exact has_more and a cursor, whatever the page size', async () => {
    const all = (await admin(app, 'GET', '/i/providers')).json.providers.map((p: { id: string }) => p.id);
    for (const size of [1, 2, 3, 6, 7]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const r = await admin(app, 'GET', `/i/providers?size=${size}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...r.json.providers.map((p: { id: string }) => p.id));
        expect(r.json.has_more).toBe(seen.length < all.length);
        if (!r.json.has_more) {
          expect(r.json.next).toBeUndefined();
          break;
        }
        expect(r.json.next).toMatch(/^[A-Za-z0-9_-]+$/);
        cursor = r.json.next;
      }
      expect(seen).toEqual(all);
    }
  });

  it('continues a cursor without gaps or duplicates after items were added and removed', async () => {
    const first = await admin(app, 'GET', '/i/providers?status=registered&size=1');
    const rest = (await admin(app, 'GET', '/i/providers?status=registered')).json.providers.map((p: { id: string }) => p.id).slice(1);
    clock.advance(1000);
    const late = await register(app);
    const next = await admin(app, 'GET', `/i/providers?status=registered&size=10&cursor=${first.json.next}`);
    expect(next.json.providers.map((p: { id: string }) => p.id)).toEqual([...rest, late.id]);
  });

  it('refuses a malformed cursor, a cursor from another filter, and bad size/status values with 400', async () => {
    const page = await admin(app, 'GET', '/i/providers?size=1');
    for (const q of [
      `status=active&cursor=${page.json.next}`,
      'cursor=%%%',
      'cursor=eyJ4IjoxfQ',
      'size=0',
      'size=501',
      'size=abc',
      'size=1.5',
      'status=deleted',
      'status=Active',
      'size=1&size=2',
    ]) {
      const r = await admin(app, 'GET', `/i/providers?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.label).toBe('bad-request');
    }
    expect((await admin(app, 'GET', '/i/providers?size=500')).status).toBe(200);
  });

  it('approve/reject answer 404 for unknown ids, 400 for malformed ids, 409 naming the state otherwise', async () => {
    expect((await admin(app, 'POST', '/i/providers/11111111-1111-4111-8111-111111111111/approve')).status).toBe(404);
    expect((await admin(app, 'POST', '/i/providers/nope/approve')).json.label).toBe('bad-request');
    expect((await admin(app, 'POST', '/i/providers/nope/reject', { reason: 'x' })).json.label).toBe('bad-request');
    const registered = (await admin(app, 'GET', '/i/providers?status=registered')).json.providers[0].id;
    const r = await admin(app, 'POST', `/i/providers/${registered.toUpperCase()}/approve`);
    expect(r.status).toBe(409);
    expect(r.json.label).toBe('invalid-transition');
    expect(r.json.message).toContain('registered');
    const rj = await admin(app, 'POST', `/i/providers/${registered}/reject`, { reason: 'x' });
    expect(rj.json.label).toBe('invalid-transition');
    const active = (await admin(app, 'GET', '/i/providers?status=active')).json.providers[0].id;
    for (const body of [{}, { reason: '' }, { reason: 'r'.repeat(1025) }, { reason: 7 }]) {
      const bad = await admin(app, 'POST', `/i/providers/${active}/reject`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.message).toContain('reason');
    }
    expect((await admin(app, 'POST', `/i/providers/${active}/approve`)).json.status).toBe('approved');
    const twice = await admin(app, 'POST', `/i/providers/${active}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.json.message).toContain('approved');
  });

  it('needs the admin token: none → 401 missing-auth, a provider token → 401 invalid-token', async () => {
    expect((await app.req('GET', '/i/providers')).json.label).toBe('missing-auth');
    expect((await app.req('GET', '/i/providers', { token: 'x'.repeat(40) })).json.label).toBe('invalid-token');
  });
});

describe('test route GET /i/provider/activation-code', () => {
  it('answers the pending code, 404 when none, 400 for a bad e-mail — and does not exist without INTERNAL_API', async () => {
    const app = await startProviderApp();
    try {
      const email = uniqueEmail();
      expect((await admin(app, 'GET', `/i/provider/activation-code?email=${email}`)).json).toEqual({
        code: 404,
        label: 'not-found',
        message: 'Activation key not found.',
      });
      await register(app, { email });
      const r = await admin(app, 'GET', `/i/provider/activation-code?email=${email.toUpperCase()}`);
      expect(r.json).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/), code: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/) });
      expect((await admin(app, 'GET', '/i/provider/activation-code?email=bad')).status).toBe(400);
      expect((await admin(app, 'GET', '/i/provider/activation-code')).status).toBe(400);
      await activate(app, email);
      expect((await admin(app, 'GET', `/i/provider/activation-code?email=${email}`)).status).toBe(404);
    } finally {
      await app.stop();
    }
    const closed = await startProviderApp({ INTERNAL_API: 'false' });
    try {
      expect((await admin(closed, 'GET', '/i/provider/activation-code?email=a@b.c')).status).toBe(404);
      expect((await admin(closed, 'GET', '/i/providers')).status).toBe(200);
    } finally {
      await closed.stop();
    }
  });
});
