import * as Proteus from '@wireapp/proteus';
import { ProteusPrekeyValidator } from '@spp/adapters';
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
});
