import { createHash, createPublicKey } from 'node:crypto';
import type { PublicKeyInspector, SpkiInfo } from '@spp/domain';

/** node:crypto behind the domain's PublicKeyInspector port. */
export class RsaKeyInspector implements PublicKeyInspector {
  inspectSpki(der: Uint8Array): SpkiInfo | undefined {
    let key;
    try {
      key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    } catch {
      return undefined;
    }
    const canonical = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
    const type = key.asymmetricKeyType ?? 'unknown';
    const bits = type === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
    return { type, bits, der: canonical };
  }

  sha256(data: Uint8Array): Uint8Array {
    return new Uint8Array(createHash('sha256').update(data).digest());
  }
}
