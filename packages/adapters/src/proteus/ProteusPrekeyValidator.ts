import * as Proteus from '@wireapp/proteus';
import { Decoder } from '@wireapp/cbor';
import sodium from 'libsodium-wrappers-sumo';
import type { DecodedPrekey, PrekeyValidator } from '@spp/domain';

/** standard base64 with padding, as Wire clients send prekeys */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** a bundle is ~110 bytes; anything far larger is not one and is not worth parsing */
const MAX_BASE64_LENGTH = 1024;

/** identity keys already found valid: every bundle of one client carries the same one */
const IDENTITY_MEMO_SIZE = 64;

let ready: Promise<void> | undefined;

/**
 * Decodes Proteus PreKeyBundles in the layout of @wireapp/proteus's `PreKeyBundle.decode` (CBOR map of version,
 * prekey id, public key, identity key, optional signature), checking both embedded Ed25519 keys the way Proteus
 * does: libsodium converts them to Curve25519 and rejects keys that are not valid points of the main subgroup. So a
 * bundle that decodes here is one a client can use. The conversion is the costly part (most of an add-bot's CPU),
 * and a client's bundles all share its identity key, so identity keys found valid are remembered (a small LRU); a
 * bundle's own prekey is checked every time. Build it with `create()`: libsodium must be loaded before decoding.
 */
export class ProteusPrekeyValidator implements PrekeyValidator {
  private readonly validIdentities = new Map<string, true>();

  private constructor() {}

  static async create(): Promise<ProteusPrekeyValidator> {
    ready ??= Proteus.init().then(() => sodium.ready);
    await ready;
    return new ProteusPrekeyValidator();
  }

  decode(base64: string): DecodedPrekey | undefined {
    if (base64.length === 0 || base64.length > MAX_BASE64_LENGTH || !BASE64.test(base64)) return undefined;
    const bytes = Buffer.from(base64, 'base64');
    const d = new Decoder(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    try {
      if (d.object() !== 5) return undefined;
      d.u8();
      d.u8(); // version
      d.u8();
      const prekeyId = d.u16();
      d.u8();
      const prekey = this.publicKey(d);
      d.u8();
      if (d.object() !== 1) return undefined;
      d.u8();
      const identity = this.publicKey(d);
      d.u8();
      d.optional(() => d.bytes()); // signature
      if (prekey.length !== 32 || identity.length !== 32 || !isPoint(prekey)) return undefined;
      const identityKeyHex = Buffer.from(identity).toString('hex');
      if (!this.validIdentity(identityKeyHex, identity)) return undefined;
      return { prekeyId, identityKeyHex };
    } catch {
      return undefined;
    }
  }

  private publicKey(d: Decoder): Uint8Array {
    if (d.object() !== 1) throw new Error('not a public key');
    d.u8();
    return new Uint8Array(d.bytes());
  }

  private validIdentity(hex: string, key: Uint8Array): boolean {
    if (this.validIdentities.has(hex)) {
      // most recently used last, so the oldest entry is the first the bound evicts
      this.validIdentities.delete(hex);
      this.validIdentities.set(hex, true);
      return true;
    }
    if (!isPoint(key)) return false;
    this.validIdentities.set(hex, true);
    if (this.validIdentities.size > IDENTITY_MEMO_SIZE) this.validIdentities.delete(this.validIdentities.keys().next().value!);
    return true;
  }
}

/** what Proteus's PublicKey.decode requires of an Ed25519 key */
const isPoint = (key: Uint8Array): boolean => {
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(key);
    return true;
  } catch {
    return false;
  }
};
