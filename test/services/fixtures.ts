import { generateKeyPairSync } from 'node:crypto';

/** services.md §3 test vector: this PEM yields exactly this fingerprint. */
export const VECTOR_PEM =
  '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu+Kg/PHHU3atXrUbKnw0\nG06FliXcNt3lMwl2os5twEDcPPFw/feGiAKymxp+7JqZDrseS5D9THGrW+OQRIPH\nWvUBdiLfGrZqJO223DB6D8K2Su/odmnjZJ2z23rhXoEArTplu+Dg9K+c2LVeXTKV\nVPOaOzgtAB21XKRiQ4ermqgi3/njr03rXyq/qNkuNd6tNcg+HAfGxfGvvCSYBfiS\nbUKr/BeArYRcjzr/h5m1In6fG/if9GEI6m8dxHT9JbY53wiksowy6ajCuqskIFg8\n7X883H+LA/d6X5CTiPv1VMxXdBUiGPuC9IT/6CNQ1/LFt0P37ax58+LGYlaFo7la\nnQIDAQAB\n-----END PUBLIC KEY-----\n';
export const VECTOR_FINGERPRINT = 'sha256/2T6FQNos7TYbKsNcY4+w/2avnT1TIu9osuE0kufO65s=';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });

let cached: ReturnType<typeof build> | undefined;

const build = () => {
  const a = rsa(2048);
  const b = rsa(2048);
  const small = rsa(1024);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const spki = (k: typeof a.publicKey) => k.export({ type: 'spki', format: 'pem' }) as string;
  return {
    /** two distinct RSA 2048 SubjectPublicKeyInfo PEMs */
    pemA: spki(a.publicKey),
    pemB: spki(b.publicKey),
    derA: a.publicKey.export({ type: 'spki', format: 'der' }),
    pkcs1A: a.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    privateA: a.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privatePkcs1A: a.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    rsa1024: spki(small.publicKey),
    ec: spki(ec.publicKey),
    ed25519: spki(ed.publicKey),
  };
};

/** RSA/EC/Ed25519 keys in the encodings the key rules tell apart (generated once per test file). */
export const keys = () => (cached ??= build());

/** `-----BEGIN <label>-----` armour around `body` */
export const armour = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

/** A DER SubjectPublicKeyInfo of an RSA key with a `bits`-bit modulus (never generated: only its size matters). */
export const rsaSpkiWithBits = (bits: number): Buffer => {
  const len = (n: number) =>
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
  const modulus = Buffer.alloc(bits / 8 + 1, 0xff);
  modulus[0] = 0; // positive
  modulus[modulus.length - 1] = 0xfb; // odd
  const rsaKey = tlv(0x30, Buffer.concat([tlv(0x02, modulus), tlv(0x02, Buffer.from([0x01, 0x00, 0x01]))]));
  const algorithm = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  return tlv(0x30, Buffer.concat([algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), rsaKey]))]));
};

export const pemOf = (der: Buffer) => armour('PUBLIC KEY', der.toString('base64').match(/.{1,64}/g)!.join('\n'));
