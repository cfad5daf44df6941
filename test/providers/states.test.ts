import { describe, expect, it } from 'vitest';
import {
  PROVIDER_EVENTS,
  PROVIDER_STATES,
  PROVIDER_TRANSITIONS,
  transition,
  type ProviderEvent,
  type ProviderStage,
  type TransitionFacts,
} from '@spp/domain';

const STAGES: ProviderStage[] = ['none', ...PROVIDER_STATES];

/** Facts under which every guard passes, so only the (state, event) pair decides. */
const allGood = (approvalMode: 'staff' | 'auto'): TransitionFacts => ({
  approvalMode,
  emailOwnedByAnother: false,
  codeAccepted: true,
  reauthenticated: true,
});

/** The spec's table (providers.md §1), written out independently of the implementation. */
const EXPECTED: Record<string, ProviderStage | { staff: ProviderStage; auto: ProviderStage }> = {
  'none register': 'registered',
  'registered verify': { staff: 'active', auto: 'approved' },
  'active approveByLink': 'approved',
  'active approveByStaff': 'approved',
  'rejected approveByStaff': 'approved',
  'active reject': 'rejected',
  'active changeEmail': 'active',
  'approved changeEmail': 'approved',
  'rejected changeEmail': 'rejected',
  'active delete': 'deleted',
  'approved delete': 'deleted',
  'rejected delete': 'deleted',
  'registered purge': 'none',
};

/** The error a forbidden pair answers with: [status label]. */
const refusalLabel = (from: ProviderStage, event: ProviderEvent): string => {
  const gone = from === 'deleted' || from === 'none';
  switch (event) {
    case 'verify':
      return 'invalid-code';
    case 'approveByLink':
      return gone ? 'invalid-code' : 'invalid-transition';
    case 'register':
      return 'email-exists';
    case 'changeEmail':
    case 'delete':
      return 'not-found';
    case 'approveByStaff':
    case 'reject':
      return gone ? 'not-found' : 'invalid-transition';
    case 'purge':
      return 'invalid-transition';
  }
};

describe('provider transition table', () => {
  for (const mode of ['staff', 'auto'] as const) {
    for (const from of STAGES) {
      for (const event of PROVIDER_EVENTS) {
        const expected = EXPECTED[`${from} ${event}`];
        it(`${mode}: ${from} × ${event} → ${expected === undefined ? 'refused' : JSON.stringify(expected)}`, () => {
          const r = transition(from, event, allGood(mode));
          if (expected === undefined) {
            expect(r.ok).toBe(false);
            if (!r.ok) expect(r.error.label).toBe(refusalLabel(from, event));
          } else {
            expect(r.ok).toBe(true);
            if (r.ok) expect(r.to).toBe(typeof expected === 'string' ? expected : expected[mode]);
          }
        });
      }
    }
  }

  it('names the current state when staff approval or rejection is refused', () => {
    const r = transition('approved', 'reject', allGood('staff'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('approved');
    const a = transition('registered', 'approveByStaff', allGood('staff'));
    if (!a.ok) expect(a.error.message).toContain('registered');
  });

  it('enforces each guard: e-mail owned → email-exists, bad code → invalid-code, no re-auth → invalid-credentials', () => {
    const owned = { ...allGood('staff'), emailOwnedByAnother: true };
    for (const [from, event] of [
      ['none', 'register'],
      ['registered', 'verify'],
      ['approved', 'changeEmail'],
    ] as const) {
      const r = transition(from, event, owned);
      expect(r.ok ? 'ok' : r.error.label, `${from} ${event}`).toBe('email-exists');
    }
    const noCode = { ...allGood('staff'), codeAccepted: false };
    for (const [from, event] of [
      ['registered', 'verify'],
      ['active', 'approveByLink'],
      ['active', 'changeEmail'],
    ] as const) {
      const r = transition(from, event, noCode);
      expect(r.ok ? 'ok' : r.error.label, `${from} ${event}`).toBe('invalid-code');
    }
    const r = transition('approved', 'delete', { approvalMode: 'staff' });
    expect(r.ok ? 'ok' : r.error.label).toBe('invalid-credentials');
  });

  it('treats an absent fact as not established (guards fail closed)', () => {
    const r = transition('none', 'register', { approvalMode: 'staff' });
    expect(r.ok ? 'ok' : r.error.label).toBe('email-exists');
  });

  it('lists every spec transition T1..T8 as data', () => {
    expect(new Set(PROVIDER_TRANSITIONS.map((t) => t.id))).toEqual(new Set(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8']));
    // JSON-serialisable: the portal renders it
    expect(JSON.parse(JSON.stringify(PROVIDER_TRANSITIONS))).toEqual(PROVIDER_TRANSITIONS);
    // at most one rule per (state, event)
    const pairs = PROVIDER_TRANSITIONS.map((t) => `${t.from} ${t.event}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});
