/**
 * Certificates for the fake Wire service (fakeService.ts): ONE RSA 2048 service key presented through several
 * certificates (current self-signed, expired self-signed, leaf of an untrusted CA), so each TLS mode fails at the
 * pinning step it is meant to exercise rather than at the key comparison; plus one other key for "wrong key".
 * Made with the `openssl` CLI once per process (vitest runs each test file in its own process).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCa, makeSelfSigned } from './tls.js';

export interface FakeServiceCerts {
  /** PEM private key of the service key */
  readonly keyPem: string;
  /** `BEGIN PUBLIC KEY` PEM (SPKI) of the service key: register this with the platform */
  readonly publicKeyPem: string;
  /** canonical DER SPKI of the service key */
  readonly spkiDer: Buffer;
  /** self-signed, valid now (2 days), RSA 2048 */
  readonly selfSignedPem: string;
  /** self-signed, 2020-01-01..2020-01-02 */
  readonly expiredPem: string;
  /** leaf for the service key followed by its issuing CA (that CA is not trusted by default) */
  readonly caSignedChainPem: string;
  /** the issuing CA (pass it as UndiciServiceClient `extraCa` to trust it) */
  readonly caCertPem: string;
  /** another RSA key and its self-signed certificate */
  readonly wrongKeyPem: string;
  readonly wrongCertPem: string;
  readonly wrongSpkiDer: Buffer;
}

let root: string | undefined;
function workDir(): string {
  if (root === undefined) {
    root = mkdtempSync(join(tmpdir(), 'spp-fake-service-'));
    const dir = root;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const dir = join(root, randomBytes(6).toString('hex'));
  mkdirSync(dir);
  return dir;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const CN = 'fake.service.test';

/** Fresh material (about a second: three RSA keys). Most tests want the shared `fakeServiceCerts()`. */
export function makeFakeServiceCerts(): FakeServiceCerts {
  const dir = workDir();
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'key.pem'], dir);
  openssl(
    ['req', '-x509', '-key', 'key.pem', '-out', 'self.pem', '-days', '2', '-subj', `/CN=${CN}`,
      '-addext', `subjectAltName=DNS:${CN},IP:127.0.0.1`],
    dir,
  );
  openssl(['req', '-new', '-key', 'key.pem', '-out', 'req.csr', '-subj', `/CN=${CN}`], dir);

  // OpenSSL 3.0 `x509`/`req` cannot set a past notBefore; `ca -selfsign -startdate -enddate` can.
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), `${randomBytes(8).toString('hex')}\n`);
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]', 'default_ca = CA_default',
      '[ CA_default ]', `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${join(dir, 'newcerts')}`,
      `serial = ${join(dir, 'serial')}`, 'default_md = sha256', 'policy = policy_any', 'unique_subject = no',
      'email_in_dn = no', 'x509_extensions = ext',
      '[ policy_any ]', 'commonName = supplied',
      '[ ext ]', 'basicConstraints = critical,CA:TRUE', 'subjectKeyIdentifier = hash', `subjectAltName = DNS:${CN},IP:127.0.0.1`,
      '',
    ].join('\n'),
  );
  openssl(
    ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr', '-out', 'expired.pem',
      '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext'],
    dir,
  );

  const ca = makeCa({ cn: 'Fake Service Untrusted CA' });
  writeFileSync(
    join(dir, 'leaf.cnf'),
    [
      '[ v3 ]', 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
      `subjectAltName = DNS:${CN},IP:127.0.0.1`, '',
    ].join('\n'),
  );
  openssl(
    ['x509', '-req', '-in', 'req.csr', '-CA', join(ca.dir, 'cert.pem'), '-CAkey', join(ca.dir, 'key.pem'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-sha256', '-extfile', 'leaf.cnf',
      '-extensions', 'v3', '-out', 'leaf.pem'],
    dir,
  );

  const wrong = makeSelfSigned({ cn: 'wrong.service.test' });
  const publicKey = new X509Certificate(read('self.pem')).publicKey;
  return {
    keyPem: read('key.pem'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
    selfSignedPem: read('self.pem'),
    expiredPem: read('expired.pem'),
    caSignedChainPem: read('leaf.pem') + ca.certPem,
    caCertPem: ca.certPem,
    wrongKeyPem: wrong.keyPem,
    wrongCertPem: wrong.certPem,
    wrongSpkiDer: wrong.spkiDer,
  };
}

let shared: FakeServiceCerts | undefined;
/** The material shared by every fake service of this process (made on first use). */
export function fakeServiceCerts(): FakeServiceCerts {
  shared ??= makeFakeServiceCerts();
  return shared;
}
