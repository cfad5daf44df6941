import { createPublicKey } from 'node:crypto';
import { RsaKeyInspector } from '@spp/adapters';
import { invalidKeyMessage, keyView, parseServiceKey } from '@spp/domain';
import { describe, expect, it } from 'vitest';
import { armour, keys, pemOf, rsaSpkiWithBits, VECTOR_FINGERPRINT, VECTOR_PEM } from './fixtures.js';

const inspector = new RsaKeyInspector();
const reason = (pem: string) => {
  const r = parseServiceKey(inspector, pem);
  return r.ok ? 'accepted' : r.message;
};

describe('service public keys (services.md §3)', () => {
  it('reproduces the test vector: that PEM yields exactly that fingerprint, shown normalised', () => {
    const r = parseServiceKey(inspector, VECTOR_PEM);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(keyView(r.value)).toEqual({ type: 'rsa', size: 2048, pem: VECTOR_PEM, fingerprint: VECTOR_FINGERPRINT });
  });

  it('stores the canonical DER and normalises the PEM (line length, CRLF, surrounding text)', () => {
    const body = VECTOR_PEM.split('\n').slice(1, -2).join('');
    const oneLine = `junk before\r\n-----BEGIN PUBLIC KEY-----\r\n${body}\r\n-----END PUBLIC KEY-----\r\ntrailing words`;
    const r = parseServiceKey(inspector, oneLine);
    expect(r.ok && keyView(r.value)).toEqual({ type: 'rsa', size: 2048, pem: VECTOR_PEM, fingerprint: VECTOR_FINGERPRINT });
    const der = createPublicKey(VECTOR_PEM).export({ type: 'spki', format: 'der' });
    expect(r.ok && Buffer.from(r.value.der).equals(der)).toBe(true);
  });

  it('applies the seven rules in order, each failure naming its reason', () => {
    const k = keys();
    expect(reason('hello')).toBe('not a PEM-encoded public key');
    expect(reason(k.pemA + k.pemB)).toBe('expected exactly one PEM block, found 2');
    expect(reason(k.pemA + k.pemB + k.ec)).toBe('expected exactly one PEM block, found 3');
    expect(reason(k.pkcs1A)).toContain('PKCS#1 RSA key; submit a SubjectPublicKeyInfo key');
    expect(reason(k.pkcs1A)).toContain('openssl rsa -RSAPublicKey_in -in k.pem -pubout');
    expect(reason(k.privateA)).toContain('a private key was submitted');
    expect(reason(k.privateA)).toContain('openssl rsa -in key.pem -pubout');
    expect(reason(k.privatePkcs1A)).toContain('a private key was submitted');
    expect(reason(armour('CERTIFICATE', 'MIIB'))).toContain('openssl x509 -in cert.pem -pubkey -noout');
    expect(reason(armour('FOO BAR', 'MIIB'))).toBe('unsupported PEM label FOO BAR');
    expect(reason(armour('PUBLIC KEY', 'not*base64'))).toBe('malformed SubjectPublicKeyInfo');
    expect(reason(armour('PUBLIC KEY', 'AAAA'))).toBe('malformed SubjectPublicKeyInfo');
    expect(reason(armour('PUBLIC KEY', ''))).toBe('malformed SubjectPublicKeyInfo');
    expect(reason(k.ec)).toBe('key type ec is not supported; an RSA key is required');
    expect(reason(k.ed25519)).toBe('key type ed25519 is not supported; an RSA key is required');
    expect(reason(k.rsa1024)).toBe('RSA key has 1024 bits; at least 2048 (at most 16384) are required');
    expect(reason(pemOf(rsaSpkiWithBits(16392)))).toBe('RSA key has 16392 bits; at least 2048 (at most 16384) are required');
    expect(reason(pemOf(rsaSpkiWithBits(16384)))).toBe('accepted');
  });

  it('refuses a block without its END line as not PEM', () => {
    expect(reason('-----BEGIN PUBLIC KEY-----\nMIIB')).toBe('not a PEM-encoded public key');
  });

  it('prefixes the list index for public_keys', () => {
    expect(invalidKeyMessage('malformed SubjectPublicKeyInfo')).toBe('Invalid service key: malformed SubjectPublicKeyInfo');
    expect(invalidKeyMessage('malformed SubjectPublicKeyInfo', 1)).toBe('Invalid service key: public_keys[1]: malformed SubjectPublicKeyInfo');
  });
});
