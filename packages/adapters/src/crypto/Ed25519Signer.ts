import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokenSigner } from '@spp/domain';

const VERIFIED_CACHE_SIZE = 10_000;

/** Ed25519 over an append-only key list; element i signs tokens with k = i + 1. */
export class Ed25519Signer implements TokenSigner {
  private readonly privateKeys: KeyObject[];
  private readonly publicKeys: KeyObject[];
  private readonly verified = new Map<string, true>();

  constructor(pkcs8Der: readonly Uint8Array[]) {
    if (pkcs8Der.length === 0) throw new Error('at least one signing key is required');
    this.privateKeys = pkcs8Der.map((der) => createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }));
    this.publicKeys = this.privateKeys.map((k) => createPublicKey(k));
  }

  get currentKeyIndex(): number {
    return this.privateKeys.length;
  }

  sign(data: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, data, this.privateKeys[this.privateKeys.length - 1]!));
  }

  verify(keyIndex: number, data: Uint8Array, signature: Uint8Array): boolean {
    const key = this.publicKeys[keyIndex - 1];
    if (!key || signature.length !== 64) return false;
    // a bot token is verified on every request and never changes; keys are never removed, so a verified
    // (key, data, signature) stays verified. Expiry is checked by the caller before this.
    const id = `${keyIndex}.${Buffer.from(signature).toString('base64')}.${Buffer.from(data).toString('latin1')}`;
    if (this.verified.has(id)) return true;
    if (!verify(null, data, key, signature)) return false;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(id, true);
    return true;
  }

  static generateKey(): Uint8Array {
    const { privateKey } = generateKeyPairSync('ed25519');
    return new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  }

  /** Loads DATA_DIR/keys/zauth.json (a JSON array of base64 PKCS#8 DER, oldest first), creating it when absent. */
  static fromKeyFile(file: string): Ed25519Signer {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify([Buffer.from(Ed25519Signer.generateKey()).toString('base64')]) + '\n', { mode: 0o600 });
      // link fails when the file exists, so concurrent first starts agree on the one that got there first
      try {
        linkSync(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        unlinkSync(tmp);
      }
    }
    const list: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(list) || list.some((k) => typeof k !== 'string')) throw new Error(`${file}: expected a JSON array of base64 strings`);
    return new Ed25519Signer(list.map((k: string) => new Uint8Array(Buffer.from(k, 'base64'))));
  }
}
