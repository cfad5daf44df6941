/**
 * Real Proteus (@wireapp/proteus 9.13.0) for tests: what a test user's client and a bot each need for an end-to-end
 * encrypted round trip through the platform. Proteus needs libsodium loaded first (`Proteus.init()`); every async
 * entry point here awaits it, and `createProteusParty` must be used before any sync method.
 *
 * Wire conventions: a prekey travels as `{id, key}` with `key` = base64 of a serialised PreKeyBundle; the last-resort
 * prekey has id 65535 and is never consumed; a fingerprint is the lowercase hex of the 32-byte Ed25519 identity
 * public key (`IdentityKey.fingerprint()` returns exactly that); a ciphertext is base64 of a serialised Envelope.
 */
import * as Proteus from '@wireapp/proteus';

export type IdentityKeyPair = Proteus.keys.IdentityKeyPair;
export type PreKey = Proteus.keys.PreKey;
export type PreKeyBundle = Proteus.keys.PreKeyBundle;
export type Session = Proteus.session.Session;

export const LAST_RESORT_ID = Proteus.keys.PreKey.MAX_PREKEY_ID; // 65535

export interface SerialisedPrekey {
  readonly id: number;
  readonly key: string;
}

let ready: Promise<void> | undefined;
/** Loads libsodium once per process (Proteus key generation throws before that). */
export function initProteus(): Promise<void> {
  ready ??= Proteus.init();
  return ready;
}

export interface DecodedPrekeyBundle {
  readonly prekeyId: number;
  /** lowercase hex of the bundle's 32-byte identity key */
  readonly identityKeyHex: string;
  readonly bundle: PreKeyBundle;
}

/** Decodes a base64 PreKeyBundle; rejects when it is not one. */
export async function decodePrekeyBundle(base64: string): Promise<DecodedPrekeyBundle> {
  await initProteus();
  return decodePrekeyBundleSync(base64);
}

/**
 * Synchronous decode; only after `initProteus()` resolved: decoding converts the key with libsodium, which without
 * init fails ("Could not convert public key with libsodium") or not, depending on timing.
 */
export function decodePrekeyBundleSync(base64: string): DecodedPrekeyBundle {
  const bundle = Proteus.keys.PreKeyBundle.deserialise(toArrayBuffer(Buffer.from(base64, 'base64')));
  return { prekeyId: bundle.prekey_id, identityKeyHex: bundle.identity_key.fingerprint(), bundle };
}

/** Lowercase hex of the raw 32-byte Ed25519 identity public key (same as `IdentityKey.fingerprint()`). */
export function identityKeyHexOf(identity: IdentityKeyPair): string {
  return Buffer.from(identity.public_key.public_key.pub_edward).toString('hex');
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** A prekey store as Proteus wants it: consumed prekeys are deleted, the last resort stays. */
class MemoryPrekeyStore extends Proteus.session.PreKeyStore {
  readonly prekeys = new Map<number, PreKey>();

  async load_prekey(id: number): Promise<PreKey | undefined> {
    return this.prekeys.get(id);
  }

  async delete_prekey(id: number): Promise<number> {
    if (id !== LAST_RESORT_ID) this.prekeys.delete(id);
    return id;
  }
}

/** One Proteus client: an identity, its prekeys and its sessions with peers (keyed by e.g. `${userId}@${clientId}`). */
export interface ProteusParty {
  readonly identity: IdentityKeyPair;
  /** lowercase hex of the 32-byte Ed25519 identity public key */
  readonly identityKeyHex: string;
  /** the raw 32 bytes */
  readonly identityKeyBytes: Uint8Array;
  /** ids of the prekeys not consumed yet (the last resort included once generated) */
  prekeyIds(): number[];
  /** makes `count` new prekeys with ids `firstId`.. (default: after the highest so far, from 1) */
  generatePrekeys(count: number, firstId?: number): SerialisedPrekey[];
  /** the last-resort prekey (id 65535), made on first call */
  lastResortPrekey(): SerialisedPrekey;
  hasSession(sessionId: string): boolean;
  /** encrypts with an existing session, or starts one from `bundleBase64` (a peer prekey); returns base64 */
  encrypt(sessionId: string, plaintext: string | Uint8Array, bundleBase64?: string): string;
  /** decrypts base64 ciphertext with the session, or starts one from the (prekey) message */
  decrypt(sessionId: string, ciphertextBase64: string): Promise<Uint8Array>;
  decryptText(sessionId: string, ciphertextBase64: string): Promise<string>;
}

export interface ProteusPartyOptions {
  /** share an identity (e.g. one identity for every bot of a service); default a new one */
  readonly identity?: IdentityKeyPair;
  /** prekeys made right away (ids 1..n); default 0 */
  readonly prekeys?: number;
}

export async function createProteusParty(options: ProteusPartyOptions = {}): Promise<ProteusParty> {
  await initProteus();
  const identity = options.identity ?? new Proteus.keys.IdentityKeyPair();
  const store = new MemoryPrekeyStore();
  const sessions = new Map<string, Session>();
  let highest = 0;

  const serialise = (prekey: PreKey): SerialisedPrekey => ({
    id: prekey.key_id,
    key: Buffer.from(new Proteus.keys.PreKeyBundle(identity.public_key, prekey).serialise()).toString('base64'),
  });

  const party: ProteusParty = {
    identity,
    identityKeyHex: identityKeyHexOf(identity),
    identityKeyBytes: new Uint8Array(identity.public_key.public_key.pub_edward),
    prekeyIds: () => [...store.prekeys.keys()].sort((a, b) => a - b),
    generatePrekeys(count, firstId = highest + 1) {
      const out: SerialisedPrekey[] = [];
      for (let i = 0; i < count; i++) {
        const id = firstId + i;
        if (id < 0 || id >= LAST_RESORT_ID) throw new Error(`prekey id ${id} out of range 0..65534`);
        const prekey = new Proteus.keys.PreKey(id);
        store.prekeys.set(id, prekey);
        highest = Math.max(highest, id);
        out.push(serialise(prekey));
      }
      return out;
    },
    lastResortPrekey() {
      let prekey = store.prekeys.get(LAST_RESORT_ID);
      if (prekey === undefined) {
        prekey = Proteus.keys.PreKey.last_resort();
        store.prekeys.set(LAST_RESORT_ID, prekey);
      }
      return serialise(prekey);
    },
    hasSession: (sessionId) => sessions.has(sessionId),
    encrypt(sessionId, plaintext, bundleBase64) {
      let session = sessions.get(sessionId);
      if (session === undefined) {
        if (bundleBase64 === undefined) throw new Error(`no session ${sessionId} and no prekey bundle to start one`);
        session = Proteus.session.Session.init_from_prekey(identity, decodePrekeyBundleSync(bundleBase64).bundle);
        sessions.set(sessionId, session);
      }
      return Buffer.from(Proteus.session.Session.encrypt(session, plaintext).serialise()).toString('base64');
    },
    async decrypt(sessionId, ciphertextBase64) {
      const envelope = Proteus.message.Envelope.deserialise(toArrayBuffer(Buffer.from(ciphertextBase64, 'base64')));
      const session = sessions.get(sessionId);
      if (session !== undefined) return session.decrypt(store, envelope);
      const [created, plaintext] = await Proteus.session.Session.init_from_message(identity, store, envelope);
      sessions.set(sessionId, created);
      return plaintext;
    },
    async decryptText(sessionId, ciphertextBase64) {
      return Buffer.from(await party.decrypt(sessionId, ciphertextBase64)).toString('utf8');
    },
  };
  if (options.prekeys !== undefined && options.prekeys > 0) party.generatePrekeys(options.prekeys, 1);
  return party;
}

/** A fresh identity key pair (for sharing between parties). */
export async function newIdentity(): Promise<IdentityKeyPair> {
  await initProteus();
  return new Proteus.keys.IdentityKeyPair();
}
