import * as Proteus from '@wireapp/proteus';
import { ProteusPrekeyValidator } from '@spp/adapters';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle, initProteus } from './support.js';

describe('ProteusPrekeyValidator', () => {
  let v: ProteusPrekeyValidator;
  beforeAll(async () => {
    await initProteus();
    v = await ProteusPrekeyValidator.create();
  });

  it('decodes real bundles: the embedded prekey id and the 32-byte Ed25519 identity key as hex', () => {
    const identity = new Proteus.keys.IdentityKeyPair();
    for (const id of [0, 1, 4242, 65534, 65535]) {
      expect(v.decode(bundle(id, identity))).toEqual({ prekeyId: id, identityKeyHex: identity.public_key.fingerprint() });
    }
    expect(identity.public_key.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('decodes the bundles of the spec examples', () => {
    const first = v.decode('pQABAQECoQBYIOjl7hw0D8YRNqkkBQETCxyr7/ywE/2R5RWcUPM+GJACA6EAoQBYILLf1TIwSB62q69Ojs/X1tzJ+dYHNAw4QbW/7TC5vSZqBPY=');
    const last = v.decode('pQABARn//wKhAFggnCcZIK1pbtlJf4wRQ44h4w7/sfSgj5oWXMQaUGYAJ/sDoQChAFgglacihnqg/YQJHkuHNFU7QD6Pb3KN4FnubaCF2EVOgRkE9g==');
    expect(first?.prekeyId).toBe(1);
    expect(last?.prekeyId).toBe(65535);
  });

  it('refuses anything that is not a base64 PreKeyBundle', () => {
    const good = bundle(5);
    const bytes = Buffer.from(good, 'base64');
    const badPoint = Buffer.from(bytes);
    // the identity key's 32 bytes are the last key in the bundle: make them an invalid curve point
    badPoint.fill(0xff, bytes.length - 33, bytes.length - 1);
    for (const s of [
      '',
      'not base64!',
      good.slice(0, -4),
      good.replace(/=+$/, ''),
      Buffer.from('hello world').toString('base64'),
      bytes.subarray(0, 20).toString('base64'),
      Buffer.from(new Proteus.keys.IdentityKeyPair().serialise()).toString('base64'),
      'A'.repeat(2000),
      badPoint.toString('base64'),
    ])
      expect(v.decode(s), s.slice(0, 40)).toBeUndefined();
  });

  it('checks the own prekey of every bundle even when its identity key was already found valid', () => {
    const identity = new Proteus.keys.IdentityKeyPair();
    const good = Buffer.from(bundle(7, identity), 'base64');
    expect(v.decode(good.toString('base64'))?.prekeyId).toBe(7);
    // the prekey's 32 bytes follow `02 a1 00 58 20`: an invalid point there, same (remembered) identity
    const at = good.indexOf(Buffer.from([0x02, 0xa1, 0x00, 0x58, 0x20])) + 5;
    const badPrekey = Buffer.from(good);
    badPrekey.fill(0xff, at, at + 31);
    expect(v.decode(badPrekey.toString('base64'))).toBeUndefined();
  });

  it('agrees with @wireapp/proteus on mutated bundles: same acceptance, same id and identity', () => {
    const identity = new Proteus.keys.IdentityKeyPair();
    const base = Buffer.from(bundle(300, identity), 'base64');
    const proteus = (b: Buffer) => {
      try {
        const k = Proteus.keys.PreKeyBundle.deserialise(new Uint8Array(b).buffer);
        return { prekeyId: k.prekey_id, identityKeyHex: Buffer.from(k.identity_key.public_key.pub_edward).toString('hex') };
      } catch {
        return undefined;
      }
    };
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(base.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 3 }),
        fc.integer({ min: 0, max: base.length }),
        (edits, cut) => {
          const b = Buffer.from(base.subarray(0, Math.max(cut, base.length - 2)));
          for (const e of edits) if (e.at < b.length) b[e.at] = e.value;
          const expected = proteus(b);
          const got = v.decode(b.toString('base64'));
          // Proteus accepts any key length libsodium takes; the platform also insists on 32-byte keys
          if (expected && got === undefined) expect(b.length).not.toBe(base.length);
          else expect(got).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
