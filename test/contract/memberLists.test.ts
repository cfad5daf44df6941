import type { MemberRow } from '@spp/domain';
import { describe, expect, it } from 'vitest';
import { MemberListCache } from '../../packages/adapters/src/sql/repos/memberLists.js';

const members = (conv: string, n: number): MemberRow[] =>
  Array.from({ length: n }, (_, i) => ({ convId: conv, userId: `u${i}`, role: 'wire_member', service: null }));

describe('member list cache', () => {
  it('answers only under the tag a list was stored with', () => {
    const c = new MemberListCache();
    c.put('a', '1', members('a', 3));
    expect(c.get('a', '1')).toHaveLength(3);
    expect(c.get('a', '2')).toBeUndefined();
    expect(c.get('b', '1')).toBeUndefined();
  });

  it('holds at most 50 000 member rows, dropping the least recently used conversations first', () => {
    const c = new MemberListCache();
    for (let i = 0; i < 100; i++) c.put(`c${i}`, 't', members(`c${i}`, 500));
    // 100 × 500 rows fit exactly; c0 is then used, so c1 is the oldest
    expect(c.get('c0', 't')).toBeDefined();
    c.put('extra', 't', members('extra', 10));
    expect(c.get('c1', 't')).toBeUndefined();
    expect(c.get('c0', 't')).toBeDefined();
    expect(c.get('extra', 't')).toBeDefined();
    expect(c.get('c99', 't')).toBeDefined();
    // replacing a list counts its new size only
    c.put('c0', 'u', members('c0', 1));
    for (let i = 2; i < 100; i++) expect(c.get(`c${i}`, 't'), `c${i}`).toBeDefined();
  });

  it('makes tags that differ', () => {
    const tags = new Set(Array.from({ length: 1000 }, () => MemberListCache.newTag()));
    expect(tags.size).toBe(1000);
    for (const t of tags) expect(Number.isSafeInteger(t)).toBe(true);
  });
});
