import { timingSafeEqual, type X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { OutboundTransportError } from './errors.js';

/**
 * Connect-time checks of external-service-api.md §5, run once per new connection after the handshake and before any
 * request byte. Pinned keys are canonical DER SubjectPublicKeyInfo buffers prepared once per pool.
 */

/** Copies the registered keys into Buffers once (per pool), so the per-connection check does no parsing. */
export function toPinnedKeys(keys: readonly Uint8Array[]): readonly Buffer[] {
  return keys.map((k) => Buffer.from(k));
}

/** True when two pinned-key lists hold the same keys in the same order. */
export function sameKeys(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (Buffer.compare(a[i]!, b[i]!) !== 0) return false;
  }
  return true;
}

/** Constant-time comparison of `spki` against every pinned key (no early exit over the list). */
export function matchesPinnedKey(spki: Buffer, pinned: readonly Buffer[]): boolean {
  let match = false;
  for (const key of pinned) {
    const equal = key.length === spki.length && timingSafeEqual(key, spki);
    match = equal || match;
  }
  return match;
}

/** Self-signed: its own key validates its signature and it names itself as issuer. */
export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

export function isWithinValidity(cert: X509Certificate, now: number): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now && now <= to;
}

/**
 * Runs the four checks in spec order on a freshly handshaken socket. Returns null when the connection may be used,
 * otherwise the error to fail it with. `socket.authorized` must reflect the chain only (connect with
 * `rejectUnauthorized: false` and a no-op `checkServerIdentity`).
 */
export function checkPeer(socket: TLSSocket, pinned: readonly Buffer[], now: number): OutboundTransportError | null {
  // 1. a certificate was presented
  let cert: X509Certificate | undefined;
  try {
    cert = socket.getPeerX509Certificate();
  } catch {
    cert = undefined;
  }
  if (cert === undefined) return new OutboundTransportError('PinMissingCert', 'the server presented no certificate');

  // 2. rsaEncryption key (an RSA-PSS key reports 'rsa-pss')
  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    return new OutboundTransportError(
      'PinInvalidPubKey',
      `certificate key type ${publicKey.asymmetricKeyType ?? 'unknown'} is not rsaEncryption`,
    );
  }

  // 3. canonical DER SPKI equals a registered key
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  if (!matchesPinnedKey(spki, pinned)) {
    return new OutboundTransportError('PinFingerprintMismatch', 'certificate key matches none of the registered keys');
  }

  // 4. CA-valid chain (names ignored), or a self-signed leaf within its validity dates
  if (socket.authorized) return null;
  if (isSelfSigned(cert) && isWithinValidity(cert, now)) return null;
  const reason = socket.authorizationError;
  return new OutboundTransportError(
    'PinInvalidCert',
    `certificate is neither CA-valid nor a current self-signed certificate (${reason instanceof Error ? reason.message : String(reason)})`,
  );
}
