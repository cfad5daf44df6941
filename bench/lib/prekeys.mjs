/** Real Proteus prekey bundles (the platform decodes every bundle it stores), made once and reused. */
import Proteus from '@wireapp/proteus';

let ready;
const init = () => (ready ??= Proteus.init());

/** `{prekeys: [{id,key}…], lastPrekey: {id: 65535, key}, identityKeyHex}` for one identity. */
export async function makePrekeys(count = 3) {
  await init();
  const identity = new Proteus.keys.IdentityKeyPair();
  const ser = (pk) => ({ id: pk.key_id, key: Buffer.from(new Proteus.keys.PreKeyBundle(identity.public_key, pk).serialise()).toString('base64') });
  const prekeys = Array.from({ length: count }, (_, i) => ser(new Proteus.keys.PreKey(i + 1)));
  return {
    prekeys,
    lastPrekey: ser(Proteus.keys.PreKey.last_resort()),
    identityKeyHex: Buffer.from(identity.public_key.public_key.pub_edward).toString('hex'),
  };
}
