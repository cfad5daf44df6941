import { Effect } from 'effect';
import { describe, expect, it } from 'vitest';
import {
  deliverDueMails,
  MAIL_LEASE_MS,
  MAIL_MAX_ATTEMPTS,
  mailBackoffMs,
  queueMail,
  registerProvider,
  transact,
  type Mail,
  type MailTransport,
} from '@spp/domain';
import { makeDeps } from '../providers/deps.js';

const mail = (to: string): Mail => ({ to, from: 'no-reply@localhost', subject: 's', text: 't', html: '<p>t</p>', headers: { 'X-Zeta-Purpose': 'ProviderActivation' } });

/** A transport that fails while `down` is true and records what it delivered. */
const flaky = () => {
  const state = { down: true, sent: [] as string[], attempts: 0 };
  const transport: MailTransport = {
    send: async (m) => {
      state.attempts++;
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      state.sent.push(m.to);
    },
  };
  return { state, transport };
};

describe('mail queue worker', () => {
  it('retries with backoff (5 s, 10 s, 20 s …) on the injected clock and delivers once the transport is back', async () => {
    const deps = makeDeps();
    const { state, transport } = flaky();
    const outcomes: string[] = [];
    const round = () => Effect.runPromise(deliverDueMails(deps, transport, { batch: 10, concurrency: 2, onOutcome: (_m, o) => outcomes.push(o) }));
    await Effect.runPromise(transact(deps.store, (tx) => queueMail(deps, tx, mail('a@x.example'))));

    expect(await round()).toBe(1);
    expect(outcomes).toEqual(['retry']);
    const [queued] = await deps.store.read((tx) => tx.mails.list(10));
    expect(queued).toMatchObject({ attempts: 1, status: 'pending', lastError: 'connect ECONNREFUSED 127.0.0.1:25' });
    expect(queued!.nextAttemptAt).toBe(deps.clock.now() + 5_000);

    deps.clock.advance(4_999);
    expect(await round()).toBe(0);
    deps.clock.advance(1);
    expect(await round()).toBe(1);
    expect((await deps.store.read((tx) => tx.mails.list(10)))[0]!.nextAttemptAt).toBe(deps.clock.now() + 10_000);

    state.down = false;
    deps.clock.advance(10_000);
    expect(await round()).toBe(1);
    expect(state.sent).toEqual(['a@x.example']);
    expect(outcomes).toEqual(['retry', 'retry', 'sent']);
    expect(await deps.store.read((tx) => tx.mails.list(10))).toEqual([]);
    expect([1, 2, 3, 4, 20].map(mailBackoffMs)).toEqual([5_000, 10_000, 20_000, 40_000, 3_600_000]);
  });

  it('gives up after the last attempt and keeps the mail as failed', async () => {
    const deps = makeDeps();
    const { transport } = flaky();
    const outcomes: string[] = [];
    await Effect.runPromise(transact(deps.store, (tx) => queueMail(deps, tx, mail('b@x.example'))));
    for (let i = 0; i < MAIL_MAX_ATTEMPTS; i++) {
      await Effect.runPromise(deliverDueMails(deps, transport, { batch: 10, concurrency: 1, onOutcome: (_m, o) => outcomes.push(o) }));
      deps.clock.advance(3_600_000);
    }
    expect(outcomes.filter((o) => o === 'retry')).toHaveLength(MAIL_MAX_ATTEMPTS - 1);
    expect(outcomes.at(-1)).toBe('failed');
    const [m] = await deps.store.read((tx) => tx.mails.list(10));
    expect(m).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS });
    expect(await Effect.runPromise(deliverDueMails(deps, transport, { batch: 10, concurrency: 1 }))).toBe(0);
  });

  it('leases claimed mails, so a second round (or instance) does not send them again while the first is busy', async () => {
    const deps = makeDeps();
    let release: () => void = () => {};
    const slow: MailTransport = { send: () => new Promise<void>((r) => (release = r)) };
    await Effect.runPromise(transact(deps.store, (tx) => queueMail(deps, tx, mail('c@x.example'))));
    const first = Effect.runPromise(deliverDueMails(deps, slow, { batch: 10, concurrency: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    expect(await Effect.runPromise(deliverDueMails(deps, slow, { batch: 10, concurrency: 1 }))).toBe(0);
    release();
    expect(await first).toBe(1);
    // a crashed sender's lease runs out and the mail goes again (at least once)
    await Effect.runPromise(transact(deps.store, (tx) => queueMail(deps, tx, mail('d@x.example'))));
    const stuck: MailTransport = { send: () => new Promise<void>(() => {}) };
    void Effect.runPromise(deliverDueMails(deps, stuck, { batch: 10, concurrency: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    deps.clock.advance(MAIL_LEASE_MS);
    const sent: string[] = [];
    await Effect.runPromise(deliverDueMails(deps, { send: async (m) => void sent.push(m.to) }, { batch: 10, concurrency: 1 }));
    expect(sent).toEqual(['d@x.example']);
  });

  it('queues mails in the same transaction as the change: a refused registration queues nothing', async () => {
    const deps = makeDeps();
    const input = { name: 'P', email: 'e@x.example', url: 'https://p.example/', description: 'd', password: 'password-1' };
    await Effect.runPromise(registerProvider(deps, input, '10.0.0.1'));
    expect((await deps.store.read((tx) => tx.mails.list(10))).map((m) => m.purpose)).toEqual(['ProviderActivation']);
    // make the e-mail taken, then register it again: 409, and no second mail
    await deps.store.transaction(async (tx) => {
      const [p] = await tx.providers.listRegisteredByEmailKey('e@x.example');
      await tx.providers.update({ ...p!, status: 'active', verifiedAt: 1 });
    });
    const again = await Effect.runPromise(Effect.either(registerProvider(deps, input, '10.0.0.1')));
    expect(again._tag).toBe('Left');
    expect(await deps.store.read((tx) => tx.mails.list(10))).toHaveLength(1);
  });
});
