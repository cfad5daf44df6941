import { Effect, Either } from 'effect';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activateProvider,
  activationKey,
  approvalKey,
  approveProviderByLink,
  approveProviderByStaff,
  deleteProvider,
  emailKey,
  loginProvider,
  purgeExpired,
  registerProvider,
  rejectProvider,
  requestEmailChange,
  type DomainError,
  type ProviderStatus,
} from '@spp/domain';
import { makeDeps, type TestDeps } from './deps.js';

/**
 * Model-based test of the provider life cycle: random sequences of operations run against the real use cases
 * (memory store, fake clock) and against a small model of providers.md; after every step both must agree on
 * every answer and every provider's state and e-mail.
 */

const EMAILS = ['dev@acme.example', 'DEV@acme.example', 'ops@acme.example'];
const HOUR = 3600_000;

interface MProvider {
  id: string;
  email: string;
  status: ProviderStatus;
  password: string;
  createdAt: number;
}
interface MCode {
  providerId: string;
  email: string;
  expiresAt: number;
  triesLeft: number;
  used: boolean;
}
interface Model {
  mode: 'staff' | 'auto';
  now: number;
  providers: MProvider[];
  /** activation codes by e-mail key */
  activation: Map<string, MCode>;
  /** approval codes by provider id */
  approval: Map<string, MCode>;
}
interface Real {
  deps: TestDeps;
}

type Outcome = { ok: true; value: unknown } | { ok: false; label: string };
const run = async <A>(e: Effect.Effect<A, DomainError>): Promise<Outcome> => {
  const r = await Effect.runPromise(Effect.either(e));
  return Either.isRight(r) ? { ok: true, value: r.right } : { ok: false, label: r.left.label };
};

const verified = (s: ProviderStatus) => s === 'active' || s === 'approved' || s === 'rejected';
const ownerOf = (m: Model, key: string) => m.providers.find((p) => verified(p.status) && emailKey(p.email) === key);
const pick = (m: Model, i: number) => m.providers[i % m.providers.length]!;
const live = (c: MCode | undefined, now: number) => c !== undefined && c.expiresAt >= now;
const dropCodesOf = (m: Model, id: string) => {
  for (const [k, c] of m.activation) if (c.providerId === id) m.activation.delete(k);
  m.approval.delete(id);
};
const codeValue = async (real: Real, key: string) =>
  (await real.deps.store.read((tx) => tx.codes.get(key)))?.code ?? 'AAAAAAAAAAAAAAAAAAAA';

/** After each command: the store holds exactly the model's providers, states and e-mails. */
const checkStore = async (m: Model, real: Real) => {
  const rows = await real.deps.store.read((tx) => tx.providers.list({ limit: 1000 }));
  const expected = m.providers.filter((p) => p.status !== 'deleted');
  expect(rows.map((r) => [r.id, r.status, r.email]).sort()).toEqual(expected.map((p) => [p.id, p.status, p.email]).sort());
  for (const p of m.providers.filter((q) => q.status === 'deleted')) {
    expect((await real.deps.store.read((tx) => tx.providers.get(p.id)))?.status).toBe('deleted');
  }
  const keys = rows.filter((r) => verified(r.status)).map((r) => r.emailKey);
  expect(new Set(keys).size).toBe(keys.length);
};

type Cmd = fc.AsyncCommand<Model, Real>;
const cmd = (name: string, check: (m: Readonly<Model>) => boolean, body: (m: Model, r: Real) => Promise<void>): Cmd => ({
  check,
  run: async (m, r) => {
    await body(m, r);
    await checkStore(m, r);
  },
  toString: () => name,
});

const register = (e: number, withPassword: boolean) =>
  cmd(`register(${EMAILS[e]}, ${withPassword})`, () => true, async (m, real) => {
    const email = EMAILS[e]!;
    const chosen = `password-${m.providers.length}-${m.now}`;
    const out = await run(
      registerProvider(real.deps, { name: 'P', email, url: 'https://p.example/', description: 'd', ...(withPassword ? { password: chosen } : {}) }, '10.0.0.1'),
    );
    const key = emailKey(email);
    if (ownerOf(m, key)) return void expect(out).toEqual({ ok: false, label: 'email-exists' });
    expect(out.ok).toBe(true);
    const v = (out as { value: { id: string; password?: string } }).value;
    for (const old of m.providers.filter((p) => p.status === 'registered' && emailKey(p.email) === key)) {
      dropCodesOf(m, old.id);
      m.providers = m.providers.filter((p) => p !== old);
    }
    expect(withPassword ? v.password : v.password?.length).toBe(withPassword ? undefined : 24);
    m.providers.push({ id: v.id, email, status: 'registered', password: v.password ?? chosen, createdAt: m.now });
    m.activation.set(key, { providerId: v.id, email, expiresAt: m.now + 24 * HOUR, triesLeft: 3, used: false });
  });

const activate = (e: number, right: boolean) =>
  cmd(`activate(${EMAILS[e]}, ${right ? 'right' : 'wrong'} code)`, () => true, async (m, real) => {
    const key = emailKey(EMAILS[e]!);
    const akey = activationKey(key);
    const value = right ? await codeValue(real, akey) : 'wrongwrongwrongwrong';
    const out = await run(activateProvider(real.deps, akey, value));
    const c = m.activation.get(key);
    if (!live(c, m.now) || (!c!.used && c!.triesLeft <= 0)) return void expect(out).toEqual({ ok: false, label: 'invalid-code' });
    const code = c!;
    const p = m.providers.find((q) => q.id === code.providerId);
    if (!right) {
      if (!code.used) code.triesLeft -= 1;
      return void expect(out).toEqual({ ok: false, label: 'invalid-code' });
    }
    if (code.used) {
      const holds = p !== undefined && verified(p.status) && emailKey(p.email) === key;
      return void expect(out).toEqual(holds ? { ok: true, value: { kind: 'already' } } : { ok: false, label: 'invalid-code' });
    }
    if (!p || p.status === 'deleted') return void expect(out).toEqual({ ok: false, label: 'invalid-code' });
    const owner = ownerOf(m, key);
    if (owner && owner.id !== p.id) return void expect(out).toEqual({ ok: false, label: 'email-exists' });
    expect(out).toEqual({ ok: true, value: { kind: 'done', value: { email: code.email } } });
    if (p.status === 'registered') {
      p.status = m.mode === 'staff' ? 'active' : 'approved';
      if (m.mode === 'staff') m.approval.set(p.id, { providerId: p.id, email: code.email, expiresAt: m.now + 14 * 24 * HOUR, triesLeft: 3, used: false });
    }
    p.email = code.email;
    code.used = true;
  });

const approveLink = (i: number, right: boolean) =>
  cmd(`approveLink(#${i}, ${right ? 'right' : 'wrong'})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const value = right ? await codeValue(real, approvalKey(p.id)) : 'wrongwrongwrongwrong';
    const out = await run(approveProviderByLink(real.deps, approvalKey(p.id), value));
    const c = m.approval.get(p.id);
    if (!live(c, m.now) || (!c!.used && c!.triesLeft <= 0)) return void expect(out).toEqual({ ok: false, label: 'invalid-code' });
    if (!right) {
      if (!c!.used) c!.triesLeft -= 1;
      return void expect(out).toEqual({ ok: false, label: 'invalid-code' });
    }
    if (c!.used) return void expect(out).toEqual(p.status === 'approved' ? { ok: true, value: { kind: 'already' } } : { ok: false, label: 'invalid-code' });
    if (p.status !== 'active') return void expect(out).toEqual({ ok: false, label: 'invalid-transition' });
    expect(out).toEqual({ ok: true, value: { kind: 'done', value: { id: p.id, email: p.email, status: 'approved' } } });
    p.status = 'approved';
    c!.used = true;
  });

const staffApprove = (i: number) =>
  cmd(`staffApprove(#${i})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const out = await run(approveProviderByStaff(real.deps, p.id));
    if (p.status === 'deleted') return void expect(out).toEqual({ ok: false, label: 'not-found' });
    if (p.status !== 'active' && p.status !== 'rejected') return void expect(out).toEqual({ ok: false, label: 'invalid-transition' });
    expect(out.ok && (out.value as { status: string }).status).toBe('approved');
    p.status = 'approved';
    m.approval.delete(p.id);
  });

const reject = (i: number) =>
  cmd(`reject(#${i})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const out = await run(rejectProvider(real.deps, p.id, 'No.'));
    if (p.status === 'deleted') return void expect(out).toEqual({ ok: false, label: 'not-found' });
    if (p.status !== 'active') return void expect(out).toEqual({ ok: false, label: 'invalid-transition' });
    expect(out.ok && (out.value as { reason: string }).reason).toBe('No.');
    p.status = 'rejected';
    m.approval.delete(p.id);
  });

const login = (i: number, right: boolean) =>
  cmd(`login(#${i}, ${right})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const password = right ? p.password : 'not-the-password';
    const out = await run(loginProvider(real.deps, p.email, password));
    // the e-mail's verified owner, which need not be p (p may be deleted or unverified)
    const owner = ownerOf(m, emailKey(p.email));
    if (owner && owner.password === password) expect(out.ok && (out.value as { providerId: string }).providerId).toBe(owner.id);
    else expect(out).toEqual({ ok: false, label: 'invalid-credentials' });
  });

const changeEmail = (i: number, e: number) =>
  cmd(`changeEmail(#${i}, ${EMAILS[e]})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const email = EMAILS[e]!;
    const out = await run(requestEmailChange(real.deps, p.id, email));
    if (!verified(p.status)) return void expect(out).toEqual({ ok: false, label: 'not-found' });
    if (ownerOf(m, emailKey(email))) return void expect(out).toEqual({ ok: false, label: 'email-exists' });
    expect(out.ok).toBe(true);
    m.activation.set(emailKey(email), { providerId: p.id, email, expiresAt: m.now + 24 * HOUR, triesLeft: 3, used: false });
  });

const remove = (i: number, right: boolean) =>
  cmd(`delete(#${i}, ${right})`, (m) => m.providers.length > 0, async (m, real) => {
    const p = pick(m, i);
    const out = await run(deleteProvider(real.deps, p.id, right ? p.password : 'not-the-password'));
    if (!verified(p.status)) return void expect(out).toEqual({ ok: false, label: 'not-found' });
    if (!right) return void expect(out).toEqual({ ok: false, label: 'invalid-credentials' });
    expect(out.ok).toBe(true);
    p.status = 'deleted';
    dropCodesOf(m, p.id);
  });

const advance = (ms: number) =>
  cmd(`advance(${ms}) + purge`, () => true, async (m, real) => {
    m.now += ms;
    real.deps.clock.advance(ms);
    await Effect.runPromise(purgeExpired(real.deps));
    for (const p of m.providers.filter((q) => q.status === 'registered' && q.createdAt <= m.now - 24 * HOUR)) {
      dropCodesOf(m, p.id);
      m.providers = m.providers.filter((q) => q !== p);
    }
    for (const [k, c] of m.activation) if (c.expiresAt < m.now) m.activation.delete(k);
    for (const [k, c] of m.approval) if (c.expiresAt < m.now) m.approval.delete(k);
  });

const idx = fc.nat({ max: 4 });
const email = fc.nat({ max: EMAILS.length - 1 });
const commands = [
  fc.tuple(email, fc.boolean()).map(([e, w]) => register(e, w)),
  fc.tuple(email, fc.boolean()).map(([e, r]) => activate(e, r)),
  email.map((e) => activate(e, false)),
  email.map((e) => activate(e, true)),
  fc.tuple(idx, fc.boolean()).map(([i, r]) => approveLink(i, r)),
  idx.map((i) => approveLink(i, false)),
  idx.map(staffApprove),
  idx.map(reject),
  fc.tuple(idx, fc.boolean()).map(([i, r]) => login(i, r)),
  fc.tuple(idx, email).map(([i, e]) => changeEmail(i, e)),
  fc.tuple(idx, fc.boolean()).map(([i, r]) => remove(i, r)),
  fc.constantFrom(60_000, 6 * HOUR, 13 * HOUR).map(advance),
];

describe('provider life cycle against a model', () => {
  for (const mode of ['staff', 'auto'] as const) {
    it(`${mode} approval: every random operation sequence agrees with the model`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), fc.integer({ min: 1, max: 1_000_000 }), async (cmds, seed) => {
          const deps = makeDeps({ policy: { providerApproval: mode }, seed });
          const setup = () => ({
            model: { mode, now: deps.clock.now(), providers: [], activation: new Map(), approval: new Map() } as Model,
            real: { deps },
          });
          await fc.asyncModelRun(setup, cmds);
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 100) },
      );
    });
  }
});
