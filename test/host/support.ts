import * as Proteus from '@wireapp/proteus';
import { Ed25519Signer, FakeClock, MemoryStore, ProteusPrekeyValidator, SeededRandom } from '@spp/adapters';
import {
  BuiltinHost,
  silentLogger,
  type ConversationEvent,
  type ConversationEventSink,
  type Deps,
  type PasswordHasher,
  type Policy,
  type Store,
} from '@spp/domain';
import { Effect } from 'effect';
import type { TestApp } from '../support/app.js';

let ready: Promise<void> | undefined;
/** libsodium must be loaded before Proteus keys are generated */
export const initProteus = (): Promise<void> => (ready ??= Proteus.init());

const identity = () => new Proteus.keys.IdentityKeyPair();

/** base64 of a real serialised PreKeyBundle with prekey `id` (call initProteus first) */
export const bundle = (id: number, ident: Proteus.keys.IdentityKeyPair = identity()): string =>
  Buffer.from(new Proteus.keys.PreKeyBundle(ident.public_key, new Proteus.keys.PreKey(id)).serialise()).toString('base64');

/** a POST /clients body with `n` prekeys (ids 1..n) and the last-resort key */
export const newClientBody = (n = 2, type: 'permanent' | 'temporary' = 'permanent', extra: Record<string, unknown> = {}) => {
  const ident = identity();
  return {
    type,
    class: 'desktop',
    label: 'Laptop',
    prekeys: Array.from({ length: n }, (_, i) => ({ id: i + 1, key: bundle(i + 1, ident) })),
    lastkey: { id: 65535, key: bundle(65535, ident) },
    ...extra,
  };
};

export interface TestUser {
  readonly id: string;
  readonly token: string;
  readonly email: string;
  readonly password: string;
}

let userSeq = 0;
/** registers and logs in a user over HTTP */
export const signUp = async (app: TestApp, name = 'Alice'): Promise<TestUser> => {
  const email = `${name.toLowerCase()}-${++userSeq}-${Date.now()}@example.com`;
  const password = `${name}'s long password`;
  const reg = await app.req('POST', '/register', { body: { name, email, password, locale: 'en', accent_id: 1 } });
  if (reg.status !== 201) throw new Error(`register ${reg.status} ${reg.text}`);
  const login = await app.req('POST', '/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login ${login.status} ${login.text}`);
  return { id: reg.json.id, token: login.json.access_token, email, password };
};

/** registers a client and returns its id */
export const addClient = async (app: TestApp, user: TestUser, type: 'permanent' | 'temporary' = 'permanent'): Promise<string> => {
  const r = await app.req('POST', '/clients', { token: user.token, body: newClientBody(1, type) });
  if (r.status !== 201) throw new Error(`client ${r.status} ${r.text}`);
  return r.json.id;
};

/** the payloads of a user's notification stream, oldest first */
export const events = async (app: TestApp, user: TestUser, query = ''): Promise<ConversationEvent[]> => {
  const r = await app.req('GET', `/notifications${query}`, { token: user.token });
  if (r.status !== 200) throw new Error(`notifications ${r.status} ${r.text}`);
  return r.json.notifications.flatMap((n: { payload: ConversationEvent[] }) => n.payload);
};

/** A transparent hasher: password cost is not under test in domain tests. */
export const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (p, stored) => ({ ok: stored === `plain:${p}`, needsRehash: false }),
  dummyHash: 'plain:\u0000no account',
};

export const hostPolicy: Policy = {
  providerApproval: 'staff',
  approvalEmail: 'staff@localhost',
  publicUrl: 'http://localhost:8080',
  domain: 'example.com',
  mailFrom: 'no-reply@example.com',
  providerTokenTtl: 86400,
  userTokenTtl: 86400,
  rateLimits: false,
};

export interface HostDeps extends Deps {
  readonly clock: FakeClock;
}

/** Deps over fakes for domain tests of the host: memory store, fake clock, seeded randomness, real prekey checks. */
export const hostDeps = async (store: Store = new MemoryStore(), seed = 1): Promise<HostDeps> => {
  const base = {
    store,
    clock: new FakeClock(),
    random: new SeededRandom(seed),
    hasher: plainHasher,
    signer: new Ed25519Signer([Ed25519Signer.generateKey()]),
    logger: silentLogger,
    policy: hostPolicy,
    prekeyValidator: await ProteusPrekeyValidator.create(),
  };
  return new Proxy(base, {
    get: (t, k) => {
      if (k in t) return t[k as keyof typeof t];
      if (k === 'then' || typeof k === 'symbol') return undefined; // awaiting or inspecting the object
      throw new Error(`deps.${String(k)} is not used by the host`);
    },
  }) as unknown as HostDeps;
};

export interface SinkCall {
  readonly event: ConversationEvent;
  readonly bots: readonly string[];
}

/** a sink that records every call (and does nothing else) */
export const recordingSink = (): { calls: SinkCall[]; sink: ConversationEventSink } => {
  const calls: SinkCall[] = [];
  return { calls, sink: (_tx, event, bots) => Effect.sync(() => void calls.push({ event, bots: [...bots] })) };
};

export const hostWithRecorder = async (store?: Store) => {
  const deps = await hostDeps(store);
  const { calls, sink } = recordingSink();
  return { deps, calls, host: new BuiltinHost(deps, sink) };
};
