import * as Proteus from '@wireapp/proteus';
import type { DecodedPrekey, PrekeyValidator } from '@spp/domain';

/** standard base64 with padding, as Wire clients send prekeys */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** a bundle is ~110 bytes; anything far larger is not one and is not worth parsing */
const MAX_BASE64_LENGTH = 1024;

let ready: Promise<void> | undefined;

/**
 * Decodes Proteus PreKeyBundles with @wireapp/proteus. Decoding converts the embedded Ed25519 keys with libsodium,
 * which rejects keys that are not valid curve points, so a bundle that decodes here is one a client can use.
 * Build it with `create()`: libsodium must be loaded before the first (synchronous) decode.
 */
export class ProteusPrekeyValidator implements PrekeyValidator {
  private constructor() {}

  static async create(): Promise<ProteusPrekeyValidator> {
    ready ??= Proteus.init();
    await ready;
    return new ProteusPrekeyValidator();
  }

  decode(base64: string): DecodedPrekey | undefined {
    if (base64.length === 0 || base64.length > MAX_BASE64_LENGTH || !BASE64.test(base64)) return undefined;
    const bytes = Buffer.from(base64, 'base64');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    try {
      const bundle = Proteus.keys.PreKeyBundle.deserialise(buffer);
      const identity = bundle.identity_key.public_key.pub_edward;
      if (!Number.isInteger(bundle.prekey_id) || identity.length !== 32) return undefined;
      return { prekeyId: bundle.prekey_id, identityKeyHex: Buffer.from(identity).toString('hex') };
    } catch {
      return undefined;
    }
  }
}
