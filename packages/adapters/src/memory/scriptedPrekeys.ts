import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { Random } from '@spp/domain';
import type * as ProteusModule from '@wireapp/proteus';

/**
 * Prekeys a scripted service answers in its NewBotResponse (external-service-api.md §2). Both generators here are
 * deterministic: key seeds come from hashes of the service and bot ids (or from an injected Random port), so a
 * simulation replays byte for byte.
 */

/** `{id, key}` as in `prekeys[]` and `last_prekey`: `key` is the base64 of a Proteus PreKeyBundle. */
export interface ScriptedPrekey {
  readonly id: number;
  readonly key: string;
}

export interface ScriptedPrekeySet {
  readonly prekeys: readonly ScriptedPrekey[];
  readonly last_prekey: ScriptedPrekey;
}

export interface ScriptedPrekeyRequest {
  readonly serviceId: string;
  readonly botId: string;
  /** how many ordinary prekeys to make (ids 1..count) */
  readonly count: number;
}

export type ScriptedPrekeyGenerator = (request: ScriptedPrekeyRequest) => ScriptedPrekeySet | Promise<ScriptedPrekeySet>;

export const LAST_RESORT_PREKEY_ID = 65535;

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX_LENGTH = 12;

/** An Ed25519 key pair in libsodium's layout: 32-byte public key, 64-byte secret (seed ‖ public). */
export interface Ed25519SeededKeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519SeededKeyPair {
  if (seed.length !== 32) throw new Error('ed25519KeyPairFromSeed: the seed must be 32 bytes');
  const secret = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(secret).export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX_LENGTH);
  return { publicKey: new Uint8Array(publicKey), privateKey: new Uint8Array(Buffer.concat([seed, publicKey])) };
}

function hashSeed(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

/** The identity seed a scripted service uses for every bot it creates (one identity per service). */
export function scriptedIdentitySeed(serviceId: string): Uint8Array {
  return hashSeed(`spp-scripted-identity:${serviceId}`);
}

function prekeySeed(serviceId: string, botId: string, id: number): Uint8Array {
  return hashSeed(`spp-scripted-prekey:${serviceId}:${botId}:${id}`);
}

/**
 * Lowercase hex of the 32-byte Ed25519 identity public key of a scripted service (what its bundles carry), i.e. the
 * value to declare in the service's `identity_fingerprints`.
 */
export function scriptedIdentityKeyHex(serviceId: string): string {
  return Buffer.from(ed25519KeyPairFromSeed(scriptedIdentitySeed(serviceId)).publicKey).toString('hex');
}

/** CBOR head of major type `major` with argument `n` (n < 2^16 is all a bundle needs). */
function cborHead(major: number, n: number): number[] {
  const m = major << 5;
  if (n < 24) return [m | n];
  if (n < 0x100) return [m | 24, n];
  return [m | 25, n >> 8, n & 0xff];
}

function cborPublicKey(key: Uint8Array): number[] {
  return [0xa1, 0x00, ...cborHead(2, key.length), ...key];
}

/**
 * A Proteus PreKeyBundle (version 1, unsigned), encoded exactly as `PreKeyBundle.serialise()` does:
 * `{0: version, 1: prekey id, 2: PublicKey, 3: IdentityKey, 4: null}`.
 */
export function encodeUnsignedPrekeyBundle(prekeyId: number, prekeyPublic: Uint8Array, identityPublic: Uint8Array): Uint8Array {
  if (!Number.isInteger(prekeyId) || prekeyId < 0 || prekeyId > LAST_RESORT_PREKEY_ID) {
    throw new Error(`encodeUnsignedPrekeyBundle: prekey id ${prekeyId} out of range`);
  }
  return new Uint8Array([
    0xa5,
    0x00, 0x01,
    0x01, ...cborHead(0, prekeyId),
    0x02, ...cborPublicKey(prekeyPublic),
    0x03, 0xa1, 0x00, ...cborPublicKey(identityPublic),
    0x04, 0xf6,
  ]);
}

function prekeyIds(count: number): number[] {
  if (!Number.isInteger(count) || count < 0 || count > 1000) throw new Error(`prekey count ${count} out of range 0..1000`);
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * The default generator: real Ed25519 points in valid Proteus bundle encoding (they decode with
 * `PreKeyBundle.deserialise`), without loading Proteus. Identity = `scriptedIdentityKeyHex(serviceId)`.
 * Nobody holds a session for them: use `proteusPrekeys()` when a test must decrypt what the bot receives.
 */
export function fixedPrekeys(): ScriptedPrekeyGenerator {
  return ({ serviceId, botId, count }) => {
    const identity = ed25519KeyPairFromSeed(scriptedIdentitySeed(serviceId)).publicKey;
    const one = (id: number): ScriptedPrekey => ({
      id,
      key: Buffer.from(encodeUnsignedPrekeyBundle(id, ed25519KeyPairFromSeed(prekeySeed(serviceId, botId, id)).publicKey, identity)).toString('base64'),
    });
    return { prekeys: prekeyIds(count).map(one), last_prekey: one(LAST_RESORT_PREKEY_ID) };
  };
}

type Proteus = typeof ProteusModule;
type IdentityKeyPair = ProteusModule.keys.IdentityKeyPair;
type PreKey = ProteusModule.keys.PreKey;

let proteusLoaded: Promise<Proteus> | undefined;
/** Proteus (and libsodium) load on first use only, so importing the adapters costs nothing. */
export function loadScriptedProteus(): Promise<Proteus> {
  proteusLoaded ??= import('@wireapp/proteus').then(async (P) => {
    await P.init();
    return P;
  });
  return proteusLoaded;
}

export interface ProteusPrekeysOptions {
  /**
   * Where key seeds come from. Default: hashes of the service and bot ids (then the bundles equal `fixedPrekeys()`'s
   * byte for byte). With a Random port, each identity and prekey draws 32 bytes from it, in call order.
   */
  readonly random?: Random;
  /** `service` (default): one identity per service, as `identity_fingerprints` expects; `bot`: a new one per bot. */
  readonly identity?: 'service' | 'bot';
}

/** A generator backed by @wireapp/proteus that keeps the private halves, so tests can decrypt as the bot. */
export interface ProteusPrekeys {
  readonly generate: ScriptedPrekeyGenerator;
  /** the identity key pair used for a bot (after its prekeys were generated) */
  identityOfBot(botId: string): IdentityKeyPair | undefined;
  /** the bot's prekeys including the last resort, by id (after generation) */
  prekeysOfBot(botId: string): ReadonlyMap<number, PreKey> | undefined;
  /** lowercase hex of the identity public key of a bot (after generation) */
  identityKeyHexOfBot(botId: string): string | undefined;
}

export function proteusPrekeys(options: ProteusPrekeysOptions = {}): ProteusPrekeys {
  const perBot = options.identity === 'bot';
  const identities = new Map<string, IdentityKeyPair>(); // by service id (or bot id when perBot)
  const botIdentity = new Map<string, IdentityKeyPair>();
  const botPrekeys = new Map<string, Map<number, PreKey>>();
  const seed = (fallback: Uint8Array): Uint8Array => (options.random !== undefined ? options.random.bytes(32) : fallback);

  const keyPair = (P: Proteus, s: Uint8Array) => {
    const ed = { ...ed25519KeyPairFromSeed(s), keyType: 'ed25519' as const };
    return new P.keys.KeyPair(P.keys.KeyPair.construct_public_key(ed), P.keys.KeyPair.construct_private_key(ed));
  };

  const generate: ScriptedPrekeyGenerator = async ({ serviceId, botId, count }) => {
    const P = await loadScriptedProteus();
    const identityKey = perBot ? botId : serviceId;
    let identity = identities.get(identityKey);
    if (identity === undefined) {
      const kp = keyPair(P, seed(perBot ? hashSeed(`spp-scripted-bot-identity:${serviceId}:${botId}`) : scriptedIdentitySeed(serviceId)));
      identity = new P.keys.IdentityKeyPair(new P.keys.IdentityKey(kp.public_key), kp.secret_key);
      identities.set(identityKey, identity);
    }
    const store = new Map<number, PreKey>();
    const one = (id: number): ScriptedPrekey => {
      const prekey = new P.keys.PreKey(id, keyPair(P, seed(prekeySeed(serviceId, botId, id))));
      store.set(id, prekey);
      return { id, key: Buffer.from(new P.keys.PreKeyBundle(identity.public_key, prekey).serialise()).toString('base64') };
    };
    const prekeys = prekeyIds(count).map(one);
    const last_prekey = one(LAST_RESORT_PREKEY_ID);
    botIdentity.set(botId, identity);
    botPrekeys.set(botId, store);
    return { prekeys, last_prekey };
  };

  return {
    generate,
    identityOfBot: (botId) => botIdentity.get(botId),
    prekeysOfBot: (botId) => botPrekeys.get(botId),
    identityKeyHexOfBot: (botId) => botIdentity.get(botId)?.public_key.fingerprint(),
  };
}
