/**
 * Test helpers for outbound TLS: certificates made with the `openssl` CLI (OpenSSL 3) into a temp dir, and real
 * `node:https` servers on 127.0.0.1 that record requests and handshakes.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureVersion, TLSSocket } from 'node:tls';

export type KeyType = 'rsa' | 'ec' | 'rsa-pss';

export interface CertBundle {
  /** PEM private key */
  readonly keyPem: string;
  /** PEM certificate (leaf only) */
  readonly certPem: string;
  /** canonical DER SubjectPublicKeyInfo of the certificate key */
  readonly spkiDer: Buffer;
  /** PEM of the public key (`BEGIN PUBLIC KEY`) */
  readonly publicKeyPem: string;
  /** directory holding key.pem / cert.pem */
  readonly dir: string;
}

export interface LeafBundle extends CertBundle {
  /** leaf followed by the issuing CA, for servers that send the chain */
  readonly chainPem: string;
}

let root: string | undefined;
function tempRoot(): string {
  if (root === undefined) {
    root = mkdtempSync(join(tmpdir(), 'spp-tls-'));
    const dir = root;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

function freshDir(): string {
  const dir = join(tempRoot(), randomBytes(6).toString('hex'));
  mkdirSync(dir);
  return dir;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKeyArgs(keyType: KeyType, bits: number): string[] {
  switch (keyType) {
    case 'rsa':
      return ['-newkey', `rsa:${bits}`];
    case 'rsa-pss':
      return ['-newkey', 'rsa-pss', '-pkeyopt', `rsa_keygen_bits:${bits}`];
    case 'ec':
      return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  }
}

function bundle(dir: string, keyFile: string, certFile: string): CertBundle {
  const keyPem = readFileSync(join(dir, keyFile), 'utf8');
  const certPem = readFileSync(join(dir, certFile), 'utf8');
  const publicKey = new X509Certificate(certPem).publicKey;
  return {
    keyPem,
    certPem,
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    dir,
  };
}

/** `YYYYMMDDHHMMSSZ`, e.g. `20200101000000Z`, for `notBefore`/`notAfter`. */
export type GeneralizedTime = string;

export interface SelfSignedOptions {
  readonly keyType?: KeyType;
  /** RSA modulus size, default 2048 */
  readonly bits?: number;
  readonly cn?: string;
  /** validity from now, default 2 days (ignored with notBefore/notAfter) */
  readonly days?: number;
  /** explicit validity (both required), e.g. an expired certificate: 20200101000000Z..20200102000000Z */
  readonly notBefore?: GeneralizedTime;
  readonly notAfter?: GeneralizedTime;
}

/** A self-signed certificate (OpenSSL 3 `req -x509`; `ca -selfsign` when explicit dates are wanted). */
export function makeSelfSigned(options: SelfSignedOptions = {}): CertBundle {
  const dir = freshDir();
  const keyType = options.keyType ?? 'rsa';
  const bits = options.bits ?? 2048;
  const cn = options.cn ?? 'service.test';
  const san = `subjectAltName=DNS:${cn},IP:127.0.0.1`;
  if (options.notBefore !== undefined || options.notAfter !== undefined) {
    if (options.notBefore === undefined || options.notAfter === undefined) {
      throw new Error('makeSelfSigned: give both notBefore and notAfter');
    }
    // OpenSSL 3.0's `x509`/`req` cannot set a past notBefore; `ca -selfsign -startdate -enddate` can.
    mkdirSync(join(dir, 'newcerts'));
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), `${randomBytes(8).toString('hex')}\n`);
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = CA_default',
        '[ CA_default ]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${join(dir, 'newcerts')}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        'unique_subject = no',
        'email_in_dn = no',
        'x509_extensions = ext',
        '[ policy_any ]',
        'commonName = supplied',
        '[ ext ]',
        'basicConstraints = critical,CA:TRUE',
        'subjectKeyIdentifier = hash',
        `subjectAltName = DNS:${cn},IP:127.0.0.1`,
        '',
      ].join('\n'),
    );
    openssl(['req', '-new', ...newKeyArgs(keyType, bits), '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', `/CN=${cn}`], dir);
    openssl(
      ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr', '-out', 'cert.pem',
        '-startdate', options.notBefore, '-enddate', options.notAfter, '-notext'],
      dir,
    );
  } else {
    openssl(
      ['req', '-x509', ...newKeyArgs(keyType, bits), '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
        '-days', String(options.days ?? 2), '-subj', `/CN=${cn}`, '-addext', san],
      dir,
    );
  }
  return bundle(dir, 'key.pem', 'cert.pem');
}

/** A root CA (RSA 2048, self-signed, CA:TRUE, keyCertSign). */
export function makeCa(options: { cn?: string; days?: number } = {}): CertBundle {
  const dir = freshDir();
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
      '-days', String(options.days ?? 2), '-subj', `/CN=${options.cn ?? 'SPP Test Root CA'}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  return bundle(dir, 'key.pem', 'cert.pem');
}

/** A leaf certificate issued by `ca` (its names never matter: the platform does no hostname verification). */
export function makeLeafSignedBy(
  ca: CertBundle,
  options: { cn?: string; keyType?: KeyType; days?: number } = {},
): LeafBundle {
  const dir = freshDir();
  const cn = options.cn ?? 'leaf.service.test';
  writeFileSync(
    join(dir, 'ext.cnf'),
    [
      '[ v3 ]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      `subjectAltName = DNS:${cn},IP:127.0.0.1`,
      '',
    ].join('\n'),
  );
  openssl(['req', '-new', ...newKeyArgs(options.keyType ?? 'rsa', 2048), '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', `/CN=${cn}`], dir);
  openssl(
    ['x509', '-req', '-in', 'req.csr', '-CA', join(ca.dir, 'cert.pem'), '-CAkey', join(ca.dir, 'key.pem'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(options.days ?? 2), '-sha256',
      '-extfile', 'ext.cnf', '-extensions', 'v3', '-out', 'cert.pem'],
    dir,
  );
  const b = bundle(dir, 'key.pem', 'cert.pem');
  return { ...b, chainPem: b.certPem + ca.certPem };
}

/** Canonical DER SPKI of a PEM certificate, a PEM public key, or a bundle. */
export function spkiDerOfPem(pemOrCert: string | CertBundle): Buffer {
  if (typeof pemOrCert !== 'string') return pemOrCert.spkiDer;
  if (pemOrCert.includes('BEGIN CERTIFICATE')) {
    return new X509Certificate(pemOrCert).publicKey.export({ type: 'spki', format: 'der' });
  }
  // a public key PEM: round-trip through node to canonicalise
  return createPublicKey(pemOrCert).export({ type: 'spki', format: 'der' });
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordedHandshake {
  /** SNI sent by the client, or false */
  readonly servername: string | false;
  readonly protocol: string | null;
  readonly cipher: string;
}

export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface HttpsServerOptions {
  readonly key: string;
  /** certificate or chain PEM */
  readonly cert: string;
  /** default: 200 `{"ok":true}` */
  readonly handler?: TestHandler;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher string; TLS 1.3 suites (TLS_...) may be included */
  readonly ciphers?: string;
}

export interface HttpsTestServer {
  readonly port: number;
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** requests that reached the HTTP handler, in arrival order */
  readonly requests: RecordedRequest[];
  /** completed TLS handshakes ('secureConnection' events) */
  readonly handshakes: RecordedHandshake[];
  /** TLS client errors seen by the server (failed handshakes) */
  readonly tlsErrors: Error[];
  readonly server: HttpsServer;
  close(): Promise<void>;
}

/** A real `node:https` server on 127.0.0.1, port 0. */
export async function startHttpsServer(options: HttpsServerOptions): Promise<HttpsTestServer> {
  const requests: RecordedRequest[] = [];
  const handshakes: RecordedHandshake[] = [];
  const tlsErrors: Error[] = [];
  const sockets = new Set<Socket>();
  const handler: TestHandler =
    options.handler ??
    ((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  const server = createHttpsServer(
    {
      key: options.key,
      cert: options.cert,
      ...(options.minVersion !== undefined ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
      ...(options.ciphers !== undefined ? { ciphers: options.ciphers } : {}),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    },
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: TLSSocket) => {
    const sni = (s as TLSSocket & { servername?: string | false }).servername;
    handshakes.push({ servername: sni ?? false, protocol: s.getProtocol(), cipher: s.getCipher().name });
  });
  server.on('tlsClientError', (err: Error) => tlsErrors.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    requests,
    handshakes,
    tlsErrors,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts and never answers (a TLS handshake against it hangs). */
export async function startSilentTcpServer(): Promise<{ port: number; url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createNetServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 port that was free a moment ago (nothing listens on it). */
export async function unusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
