import { parseNewBotResponse } from '@spp/domain';
import { describe, expect, it } from 'vitest';

const valid = { prekeys: [{ id: 1, key: 'a' }, { id: 2, key: 'b' }], last_prekey: { id: 65535, key: 'c' } };

describe('NewBotResponse shape (external-service-api.md §2)', () => {
  it('accepts a minimal answer and the optional overrides', () => {
    expect(parseNewBotResponse(JSON.stringify(valid))).toEqual({ prekeys: valid.prekeys, lastPrekey: valid.last_prekey });
    const full = parseNewBotResponse(
      JSON.stringify({ ...valid, name: 'Echo', accent_id: 3, assets: [{ type: 'image', key: 'k', size: 'preview' }], extra: true }),
    );
    expect(full).toMatchObject({ name: 'Echo', accentId: 3, assets: [{ type: 'image', key: 'k', size: 'preview' }] });
  });

  it.each([
    ['not JSON', '{'],
    ['no prekeys', JSON.stringify({ last_prekey: valid.last_prekey })],
    ['prekey without key', JSON.stringify({ ...valid, prekeys: [{ id: 1 }] })],
    ['empty name', JSON.stringify({ ...valid, name: '' })],
    ['fractional accent', JSON.stringify({ ...valid, accent_id: 1.5 })],
    ['bad asset', JSON.stringify({ ...valid, assets: [{ type: 'video', key: 'k' }] })],
  ])('%s → InvalidResponse', (_name, body) => {
    expect(parseNewBotResponse(body)).toBe('InvalidResponse');
  });

  it.each([
    ['repeated ids', { ...valid, prekeys: [{ id: 1, key: 'a' }, { id: 1, key: 'b' }] }],
    ['id out of range', { ...valid, prekeys: [{ id: 65535, key: 'a' }] }],
    ['last prekey not 65535', { ...valid, last_prekey: { id: 7, key: 'c' } }],
  ])('%s → MalformedPrekeys', (_name, body) => {
    expect(parseNewBotResponse(JSON.stringify(body))).toBe('MalformedPrekeys');
  });
});
