/**
 * RSA 2048 self-signed certificates for the fake services (the platform pins their SubjectPublicKeyInfo and accepts a
 * current self-signed leaf). Made with the openssl CLI, several in parallel.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One key + certificate: `{keyPem, certPem, publicKeyPem}`. */
export async function makeCert(dir) {
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2',
    '-subj', '/CN=bench.service.test', '-addext', 'subjectAltName=DNS:bench.service.test,IP:127.0.0.1'], { cwd: dir });
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  return {
    keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    certPem,
    publicKeyPem: new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function makeCerts(count) {
  const root = mkdtempSync(join(tmpdir(), 'spp-bench-certs-'));
  try {
    return await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const dir = join(root, String(i));
        await run('mkdir', ['-p', dir]);
        return makeCert(dir);
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
