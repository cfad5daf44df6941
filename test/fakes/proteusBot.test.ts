import { describe, expect, it } from 'vitest';
import * as Proteus from '@wireapp/proteus';
import {
  LAST_RESORT_ID,
  createProteusParty,
  decodePrekeyBundle,
  decodePrekeyBundleSync,
  identityKeyHexOf,
  initProteus,
  newIdentity,
} from '../support/proteusBot.js';

describe('proteusBot helpers', () => {
  it('prekeys are base64 PreKeyBundles carrying their id and the identity; the fingerprint is the raw key in hex', async () => {
    const party = await createProteusParty({ prekeys: 3 });
    const prekeys = party.generatePrekeys(2);
    const last = party.lastResortPrekey();
    expect(prekeys.map((p) => p.id)).toEqual([4, 5]);
    expect(last.id).toBe(65535);
    expect(LAST_RESORT_ID).toBe(65535);
    expect(party.prekeyIds()).toEqual([1, 2, 3, 4, 5, 65535]);
    for (const p of [...prekeys, last]) {
      const decoded = await decodePrekeyBundle(p.key);
      expect(decoded.prekeyId).toBe(p.id);
      expect(decoded.identityKeyHex).toBe(party.identityKeyHex);
    }
    expect(party.identityKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(party.identityKeyBytes).toHaveLength(32);
    expect(Buffer.from(party.identityKeyBytes).toString('hex')).toBe(party.identityKeyHex);
    // what Wire clients display: IdentityKey.fingerprint() is the same lowercase hex
    expect(party.identity.public_key.fingerprint()).toBe(party.identityKeyHex);
    expect(identityKeyHexOf(party.identity)).toBe(party.identityKeyHex);
  });

  it('a non-bundle does not decode', async () => {
    await expect(decodePrekeyBundle(Buffer.from('not a bundle').toString('base64'))).rejects.toThrow();
    await initProteus();
    expect(() => decodePrekeyBundleSync('AAAA')).toThrow();
  });

  it('round trip: A encrypts to B’s prekey, B decrypts and replies, A decrypts; the prekey is consumed', async () => {
    const alice = await createProteusParty();
    const bob = await createProteusParty({ prekeys: 2 });
    const bobLast = bob.lastResortPrekey();
    const [bobKey] = bob.generatePrekeys(1, 7);

    const first = alice.encrypt('bob@b0b', 'hello bob', bobKey!.key);
    expect(alice.hasSession('bob@b0b')).toBe(true);
    expect(Buffer.from(first, 'base64').length).toBeGreaterThan(0);
    expect(await bob.decryptText('alice@a11ce', first)).toBe('hello bob');
    expect(bob.prekeyIds()).toEqual([1, 2, 65535]); // 7 consumed

    const reply = bob.encrypt('alice@a11ce', 'hi alice');
    expect(await alice.decryptText('bob@b0b', reply)).toBe('hi alice');
    // the conversation goes on in both directions on the established sessions
    expect(await bob.decryptText('alice@a11ce', alice.encrypt('bob@b0b', 'second'))).toBe('second');
    expect(await alice.decryptText('bob@b0b', bob.encrypt('alice@a11ce', new Uint8Array([1, 2, 3])))).toBe('\u0001\u0002\u0003');

    // the last-resort key starts sessions and is never consumed
    const carol = await createProteusParty();
    expect(await bob.decryptText('carol@c', carol.encrypt('bob@b0b', 'via last resort', bobLast.key))).toBe('via last resort');
    expect(bob.prekeyIds()).toContain(65535);
  });

  it('a message for someone else does not decrypt', async () => {
    const alice = await createProteusParty();
    const bob = await createProteusParty({ prekeys: 1 });
    const eve = await createProteusParty({ prekeys: 1 });
    const bundle = bob.generatePrekeys(1)[0]!;
    const ct = alice.encrypt('bob', 'secret', bundle.key);
    await expect(eve.decrypt('alice', ct)).rejects.toBeInstanceOf(Proteus.errors.ProteusError);
  });

  it('parties may share an identity (one identity for all bots of a service)', async () => {
    const identity = await newIdentity();
    const botA = await createProteusParty({ identity, prekeys: 1 });
    const botB = await createProteusParty({ identity, prekeys: 1 });
    expect(botA.identityKeyHex).toBe(botB.identityKeyHex);
    const user = await createProteusParty();
    const ct = user.encrypt('botB', 'to b', botB.generatePrekeys(1)[0]!.key);
    expect(await botB.decryptText('user', ct)).toBe('to b');
  });

  it('encrypting without a session or bundle is refused', async () => {
    const alice = await createProteusParty();
    expect(() => alice.encrypt('nobody', 'x')).toThrow(/no session/);
  });
});
