import { describe, expect, it } from 'vitest';
import { FakeClock } from '@spp/adapters';
import { activate, admin, register, registration, startProviderApp, waitFor } from './http.js';

describe('unverified registrations are purged after 24 h (T8)', () => {
  it('removes the provider and its code; verified providers and younger registrations stay', async () => {
    const clock = new FakeClock(Date.now());
    const app = await startProviderApp({}, { clock });
    try {
      const old = await register(app);
      const verified = await register(app);
      await activate(app, verified.email);
      clock.advance(12 * 3600_000);
      const young = await register(app);
      const ids = async (status: string) => (await admin(app, 'GET', `/i/providers?status=${status}`)).json.providers.map((p: { id: string }) => p.id);
      expect(await ids('registered')).toEqual([old.id, young.id]);

      clock.advance(12 * 3600_000 + 60_000);
      await waitFor(async () => ((await ids('registered')).length === 1 ? true : undefined), 'the purge');
      expect(await ids('registered')).toEqual([young.id]);
      expect(await ids('active')).toEqual([verified.id]);
      expect((await admin(app, 'GET', `/i/provider/activation-code?email=${old.email}`)).status).toBe(404);
      expect(await app.ctx.deps.store.read((tx) => tx.providers.get(old.id))).toBeUndefined();
      // the e-mail can be registered again
      expect((await app.req('POST', '/provider/register', { body: registration({ email: old.email }) })).status).toBe(201);
    } finally {
      await app.stop();
    }
  });
});
