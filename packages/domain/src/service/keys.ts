import type { PublicKeyInspector } from '../ports/PublicKeyInspector.js';
import type { Checked } from './fields.js';
import type { ServiceKey } from './model.js';

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 16384;

const BEGIN = /-----BEGIN ([^\r\n]*?)-----/g;

/** services.md §3 reasons, in the order the rules are checked */
export const KEY_REASONS = {
  notPem: 'not a PEM-encoded public key',
  blockCount: (n: number) => `expected exactly one PEM block, found ${n}`,
  pkcs1:
    'PKCS#1 RSA key; submit a SubjectPublicKeyInfo key (BEGIN PUBLIC KEY), convert with openssl rsa -RSAPublicKey_in -in k.pem -pubout',
  privateKey: 'a private key was submitted (never send private keys; extract with openssl rsa -in key.pem -pubout)',
  certificate: 'a certificate was submitted (extract with openssl x509 -in cert.pem -pubkey -noout)',
  label: (label: string) => `unsupported PEM label ${label}`,
  malformed: 'malformed SubjectPublicKeyInfo',
  type: (type: string) => `key type ${type} is not supported; an RSA key is required`,
  bits: (n: number) => `RSA key has ${n} bits; at least ${MIN_RSA_BITS} (at most ${MAX_RSA_BITS}) are required`,
} as const;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Rules 1–5 up to the DER bytes: armour, one block, label, base64 body. */
const pemBody = (pem: string): Checked<Uint8Array> => {
  const begins = [...pem.matchAll(BEGIN)];
  if (begins.length === 0) return { ok: false, message: KEY_REASONS.notPem };
  if (begins.length > 1) return { ok: false, message: KEY_REASONS.blockCount(begins.length) };
  const begin = begins[0]!;
  const label = begin[1]!;
  const bodyStart = begin.index + begin[0].length;
  const end = pem.indexOf(`-----END ${label}-----`, bodyStart);
  if (end < 0) return { ok: false, message: KEY_REASONS.notPem };
  if (label === 'RSA PUBLIC KEY') return { ok: false, message: KEY_REASONS.pkcs1 };
  if (label !== 'PUBLIC KEY') {
    if (/PRIVATE KEY/.test(label)) return { ok: false, message: KEY_REASONS.privateKey };
    if (/CERTIFICATE/.test(label)) return { ok: false, message: KEY_REASONS.certificate };
    return { ok: false, message: KEY_REASONS.label(label) };
  }
  const body = pem.slice(bodyStart, end).replace(/[ \t\r\n]+/g, '');
  if (body.length === 0 || !STRICT_BASE64.test(body)) return { ok: false, message: KEY_REASONS.malformed };
  return { ok: true, value: new Uint8Array(Buffer.from(body, 'base64')) };
};

/** `sha256/<padded standard base64>` of the DER (RFC 7469 pin format). */
export const keyFingerprint = (inspector: PublicKeyInspector, der: Uint8Array): string =>
  `sha256/${Buffer.from(inspector.sha256(der)).toString('base64')}`;

/** Applies the seven rules of services.md §3 in order; the first failure's reason is returned. */
export const parseServiceKey = (inspector: PublicKeyInspector, pem: string): Checked<ServiceKey> => {
  const body = pemBody(pem);
  if (!body.ok) return body;
  const info = inspector.inspectSpki(body.value);
  if (!info) return { ok: false, message: KEY_REASONS.malformed };
  if (info.type !== 'rsa') return { ok: false, message: KEY_REASONS.type(info.type) };
  const bits = info.bits ?? 0;
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return { ok: false, message: KEY_REASONS.bits(bits) };
  return { ok: true, value: { der: info.der, size: bits, fingerprint: keyFingerprint(inspector, info.der) } };
};

/** The 400 invalid-service-key message; `index` for the `public_keys` list. */
export const invalidKeyMessage = (reason: string, index?: number): string =>
  `Invalid service key: ${index === undefined ? '' : `public_keys[${index}]: `}${reason}`;

/** Normalised PEM: header, base64 of the DER in 64-character lines, footer, final newline. */
export const keyPem = (der: Uint8Array): string => {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
};

/** The key as the provider sees it (services.md §3). */
export const keyView = (k: ServiceKey) => ({ type: 'rsa' as const, size: k.size, pem: keyPem(k.der), fingerprint: k.fingerprint });
