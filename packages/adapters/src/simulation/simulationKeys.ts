import { createHash, createPublicKey } from 'node:crypto';
import { Ed25519Signer } from '../crypto/Ed25519Signer.js';

/** A service key as a provider submits it (PEM) and as a fake service presents it (canonical DER SPKI). */
export interface SimulationKey {
  readonly pem: string;
  readonly der: Uint8Array;
  /** `sha256/<base64>`, as the provider's Service view shows it */
  readonly fingerprint: string;
}

const sha256 = (label: string): Buffer => createHash('sha256').update(label).digest();

const derLength = (n: number): Buffer =>
  n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);

/**
 * A 2048-bit RSA SubjectPublicKeyInfo whose modulus is derived from (seed, n). It is not a real key pair (the
 * modulus is not a product of two primes) but parses and pins like one; generating real RSA keys would cost
 * ~100 ms each and could not be replayed from a seed.
 */
const made = new Map<string, SimulationKey>();

export const simulationKey = (seed: number, n: number): SimulationKey => {
  const id = `${seed}:${n}`;
  const known = made.get(id);
  if (known) return known;
  const modulus = Buffer.concat(Array.from({ length: 8 }, (_, i) => sha256(`spp-simulation-key:${seed}:${n}:${i}`)));
  modulus[0] = modulus[0]! | 0x80; // exactly 2048 bits
  modulus[modulus.length - 1] = modulus[modulus.length - 1]! | 0x01; // odd
  const rsaKey = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.concat([Buffer.from([0]), modulus])), tlv(0x02, Buffer.from([0x01, 0x00, 0x01]))]));
  const algorithm = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  const spki = tlv(0x30, Buffer.concat([algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), rsaKey]))]));
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const der = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  const pem = key.export({ format: 'pem', type: 'spki' }).toString();
  const result: SimulationKey = { pem, der, fingerprint: `sha256/${createHash('sha256').update(der).digest('base64')}` };
  made.set(id, result);
  return result;
};

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Token signer whose Ed25519 key comes from the seed: tokens (and so NewBotRequests) replay byte for byte. */
export const simulationSigner = (seed: number): Ed25519Signer =>
  new Ed25519Signer([new Uint8Array(Buffer.concat([ED25519_PKCS8_PREFIX, sha256(`spp-simulation-signer:${seed}`)]))]);
