import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordCheck, PasswordHasher } from '@spp/domain';

interface Params {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

const CURRENT: Params = { ln: 15, r: 8, p: 1 };
const KEYLEN = 64;

const derive = (password: string, salt: Buffer, { ln, r, p }: Params, keylen: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(Buffer.from(password, 'utf8'), salt, keylen, { N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r + 16 * 2 ** 20 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

interface Parsed {
  readonly params: Params;
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly imported: boolean;
}

const MODERN = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const WIRE = /^(\d+)\|(\d+)\|(\d+)\|([A-Za-z0-9+/]+={0,2})\|([A-Za-z0-9+/]+={0,2})$/;

const parse = (stored: string): Parsed | undefined => {
  const m = MODERN.exec(stored) ?? WIRE.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return undefined;
  return { params, salt: Buffer.from(m[4]!, 'base64'), hash: Buffer.from(m[5]!, 'base64'), imported: stored.includes('|') };
};

/**
 * scrypt N=2^15, r=8, p=1, 32-byte salt, 64-byte output in a self-describing string. Also verifies
 * wire-server's `14|8|1|salt|hash` format, which is then flagged for rehashing.
 */
export class ScryptHasher implements PasswordHasher {
  readonly dummyHash: string;

  constructor(private readonly params: Params = CURRENT) {
    // a fixed, well-formed hash of a random secret: verifying against it costs exactly what a real check costs
    const salt = Buffer.alloc(32, 7).toString('base64');
    const hash = Buffer.alloc(KEYLEN, 9).toString('base64');
    this.dummyHash = `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt}$${hash}`;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(32);
    const key = await derive(password, salt, this.params, KEYLEN);
    const { ln, r, p } = this.params;
    return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<PasswordCheck> {
    const parsed = parse(stored);
    if (!parsed || parsed.hash.length === 0) return { ok: false, needsRehash: false };
    const key = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
    const ok = timingSafeEqual(key, parsed.hash);
    const weaker =
      parsed.imported || parsed.params.ln < this.params.ln || parsed.params.r < this.params.r || parsed.params.p < this.params.p;
    return { ok, needsRehash: ok && weaker };
  }
}
