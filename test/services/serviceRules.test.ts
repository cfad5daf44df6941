import { SeededRandom } from '@spp/adapters';
import {
  checkAuthToken,
  checkBaseUrl,
  checkIdentityFingerprints,
  checkTags,
  compareCodePoints,
  generateAuthToken,
  parseTagQuery,
  prefixUpperBound,
  SERVICE_STATE_RULES,
  SERVICE_TAGS,
  SERVICE_TRANSITIONS,
  serviceTransition,
  type ServiceEvent,
  type ServiceState,
} from '@spp/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('service state machine (services.md §1)', () => {
  it('is the spec’s table', () => {
    expect(SERVICE_TRANSITIONS.map((t) => `${t.id} ${t.from ?? '∅'} -${t.event}-> ${t.to ?? '∅'}`)).toEqual([
      'S1 ∅ -create-> disabled',
      'S2 disabled -enable-> enabled',
      'S3 enabled -disable-> disabled',
      'S4 disabled -delete-> deleting',
      'S4 enabled -delete-> deleting',
      'S5 deleting -purge-> ∅',
    ]);
  });

  it('has no transition out of deleting but the purge, and none back into existence', () => {
    const states: (ServiceState | null)[] = [null, 'disabled', 'enabled', 'deleting'];
    const events: ServiceEvent[] = ['create', 'enable', 'disable', 'delete', 'purge'];
    for (const from of states)
      for (const event of events) {
        const t = serviceTransition(from, event);
        if (from === 'deleting') expect(t === undefined ? 'none' : t.to, event).toBe(event === 'purge' ? null : 'none');
        if (t?.to === null) expect(from).toBe('deleting');
      }
    expect(serviceTransition('enabled', 'enable')).toBeUndefined();
  });

  it('lists only enabled services and refuses new bots of the others as the spec says', () => {
    expect(SERVICE_STATE_RULES.enabled.listed).toBe(true);
    expect(SERVICE_STATE_RULES.disabled).toMatchObject({ listed: false, newBots: 'service-disabled', visibleToProvider: true });
    expect(SERVICE_STATE_RULES.deleting).toMatchObject({ listed: false, newBots: 'not-found', visibleToProvider: false });
  });
});

describe('field rules (services.md §2)', () => {
  it('has the 31 tags in order', () => {
    expect(SERVICE_TAGS).toHaveLength(31);
    expect(SERVICE_TAGS[0]).toBe('audio');
    expect(SERVICE_TAGS[30]).toBe('weather');
    expect([...SERVICE_TAGS].sort()).toEqual([...SERVICE_TAGS]);
  });

  it('checks tags: known, 1..3 after collapsing duplicates, list order', () => {
    expect(checkTags(['weather', 'audio', 'weather'])).toEqual({ ok: true, value: ['audio', 'weather'] });
    expect(checkTags(['x'])).toEqual({ ok: false, message: 'Invalid tag: x' });
    expect(checkTags([]).ok).toBe(false);
    expect(checkTags(['audio', 'books', 'news', 'poll']).ok).toBe(false);
  });

  it('checks base URLs', () => {
    for (const ok of ['https://a.example', 'https://a.example:8443/x/y', 'HTTPS://A.example/', 'https://[::1]:9000/api', 'https://127.0.0.1/'])
      expect(checkBaseUrl(ok).ok, ok).toBe(true);
    for (const bad of ['http://a.example', 'https:a.example', 'https://', 'https://a.example/?', 'https://a.example/#', 'https://u@a.example', 'https://a .example', ' https://a.example', 'ftp://a', 'a.example'])
      expect(checkBaseUrl(bad).ok, bad).toBe(false);
  });

  it('checks auth tokens and generates 24-character base64url ones', () => {
    expect(checkAuthToken('abc-_=').ok).toBe(true);
    expect(checkAuthToken('abc-_').ok).toBe(false);
    expect(checkAuthToken('abc+def').ok).toBe(false);
    const t = generateAuthToken(new SeededRandom(1));
    expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(checkAuthToken(t).ok).toBe(true);
  });

  it('checks identity fingerprints: 64 hex, lowercased, deduplicated in first-seen order, at most 4', () => {
    expect(checkIdentityFingerprints(['B'.repeat(64), 'a'.repeat(64), 'b'.repeat(64)])).toEqual({ ok: true, value: ['b'.repeat(64), 'a'.repeat(64)] });
    expect(checkIdentityFingerprints(['g'.repeat(64)]).ok).toBe(false);
    expect(checkIdentityFingerprints(['a'.repeat(63)]).ok).toBe(false);
  });
});

describe('directory rules (services.md §6)', () => {
  it('parses tag queries: `,` OR, `.` AND, at most 3 × 3', () => {
    expect(parseTagQuery('social.quiz,music')).toEqual({ ok: true, value: [['quiz', 'social'], ['music']] });
    for (const bad of ['', 'social,', '.quiz', 'a.b', 'music,news,poll,quiz', 'music.news.poll.quiz']) expect(parseTagQuery(bad).ok, bad).toBe(false);
  });

  it('orders by code point, not by UTF-16 unit', () => {
    expect(compareCodePoints('\uE000', '𝒜')).toBeLessThan(0); // U+E000 < U+1D49C although '\uD835' < '\uE000'
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'abc')).toBeGreaterThan(0);
  });

  it('bounds a prefix range: every string with the prefix lies in [prefix, upper)', () => {
    const chars = fc.constantFrom('a', 'z', 'ø', '\uD7FF', '\uE000', '\uFFFF', '𝒜', '\u{10FFFF}');
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 4 }), fc.array(chars, { maxLength: 3 }), fc.array(chars, { maxLength: 3 }), (p, rest, other) => {
        const prefix = p.join('');
        const upper = prefixUpperBound(prefix);
        const inside = prefix + rest.join('');
        expect(compareCodePoints(inside, prefix)).toBeGreaterThanOrEqual(0);
        if (upper !== undefined) expect(compareCodePoints(inside, upper)).toBeLessThan(0);
        const candidate = other.join('');
        const within = compareCodePoints(candidate, prefix) >= 0 && (upper === undefined || compareCodePoints(candidate, upper) < 0);
        expect(within).toBe(candidate.startsWith(prefix));
      }),
    );
  });
});
