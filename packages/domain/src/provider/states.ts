import { fail, type DomainError } from '../errors/DomainError.js';

/**
 * The provider account as a state machine (providers.md §1). The table below is the single source of truth:
 * use cases change a provider's status only through `transition`, and the portal and the property tests read
 * the same table.
 */
export const PROVIDER_STATES = ['registered', 'active', 'approved', 'rejected', 'deleted'] as const;
export type ProviderStatus = (typeof PROVIDER_STATES)[number];

/** `none` is ∅: no row (before registration, after a purge). */
export type ProviderStage = ProviderStatus | 'none';

export const PROVIDER_EVENTS = [
  'register',
  'verify',
  'approveByLink',
  'approveByStaff',
  'reject',
  'changeEmail',
  'delete',
  'purge',
] as const;
export type ProviderEvent = (typeof PROVIDER_EVENTS)[number];

/** Conditions a transition needs; each is decided from facts the use case gathered before calling. */
export type ProviderGuard = 'emailUnowned' | 'codeAccepted' | 'reauthenticated';

export interface ProviderTransition {
  readonly id: 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6' | 'T7' | 'T8';
  readonly event: ProviderEvent;
  readonly from: ProviderStage;
  /** the target; T2 depends on PROVIDER_APPROVAL */
  readonly to: ProviderStage | { readonly staff: ProviderStage; readonly auto: ProviderStage };
  readonly trigger: string;
  readonly guards: readonly ProviderGuard[];
}

const VERIFIED = ['active', 'approved', 'rejected'] as const;

export const PROVIDER_TRANSITIONS: readonly ProviderTransition[] = [
  { id: 'T1', event: 'register', from: 'none', to: 'registered', trigger: 'POST /provider/register', guards: ['emailUnowned'] },
  {
    id: 'T2',
    event: 'verify',
    from: 'registered',
    to: { staff: 'active', auto: 'approved' },
    trigger: 'GET /provider/activate',
    guards: ['codeAccepted', 'emailUnowned'],
  },
  { id: 'T3', event: 'approveByLink', from: 'active', to: 'approved', trigger: 'GET /provider/approve', guards: ['codeAccepted'] },
  { id: 'T3', event: 'approveByStaff', from: 'active', to: 'approved', trigger: 'POST /i/providers/{pid}/approve', guards: [] },
  { id: 'T4', event: 'approveByStaff', from: 'rejected', to: 'approved', trigger: 'POST /i/providers/{pid}/approve', guards: [] },
  { id: 'T5', event: 'reject', from: 'active', to: 'rejected', trigger: 'POST /i/providers/{pid}/reject', guards: [] },
  ...VERIFIED.map(
    (s): ProviderTransition => ({
      id: 'T6',
      event: 'changeEmail',
      from: s,
      to: s,
      trigger: 'GET /provider/activate (e-mail change code)',
      guards: ['codeAccepted', 'emailUnowned'],
    }),
  ),
  ...VERIFIED.map(
    (s): ProviderTransition => ({ id: 'T7', event: 'delete', from: s, to: 'deleted', trigger: 'DELETE /provider', guards: ['reauthenticated'] }),
  ),
  {
    id: 'T8',
    event: 'purge',
    from: 'registered',
    to: 'none',
    trigger: '24 h without verification, or a new registration of the same e-mail',
    guards: [],
  },
];

/** What the use case established before asking for a transition. Absent facts count as "not established". */
export interface TransitionFacts {
  readonly approvalMode: 'staff' | 'auto';
  /** another non-deleted provider has verified the e-mail in question */
  readonly emailOwnedByAnother?: boolean;
  /** the presented verification code was right, live and unused */
  readonly codeAccepted?: boolean;
  /** the current password was presented and verified */
  readonly reauthenticated?: boolean;
}

const GUARD_FAILURES: Record<ProviderGuard, (f: TransitionFacts) => DomainError | undefined> = {
  emailUnowned: (f) => (f.emailOwnedByAnother === false ? undefined : fail('email-exists', 'The given e-mail address is in use.')),
  codeAccepted: (f) => (f.codeAccepted === true ? undefined : fail('invalid-code', 'Invalid verification code.')),
  reauthenticated: (f) => (f.reauthenticated === true ? undefined : fail('invalid-credentials', 'Authentication failed.')),
};

/** The answer when `event` is not allowed from `from`. */
export const refusal = (event: ProviderEvent, from: ProviderStage): DomainError => {
  switch (event) {
    case 'verify':
    case 'approveByLink':
      // link routes: a code whose provider is gone is just an invalid code
      if (from === 'deleted' || from === 'none') return fail('invalid-code', 'Invalid verification code.');
      return event === 'verify'
        ? fail('invalid-code', 'Invalid verification code.')
        : fail('invalid-transition', `The provider is ${from}, not active.`);
    case 'register':
      return fail('email-exists', 'The given e-mail address is in use.');
    case 'changeEmail':
    case 'delete':
      return fail('not-found', 'Provider not found.');
    case 'approveByStaff':
      if (from === 'deleted' || from === 'none') return fail('not-found', 'Provider not found.');
      return fail('invalid-transition', `The provider is ${from}; only active or rejected providers can be approved.`);
    case 'reject':
      if (from === 'deleted' || from === 'none') return fail('not-found', 'Provider not found.');
      return fail('invalid-transition', `The provider is ${from}; only active providers can be rejected.`);
    case 'purge':
      return fail('invalid-transition', `The provider is ${from}; only unverified registrations are purged.`);
  }
};

export type TransitionResult =
  | { readonly ok: true; readonly rule: ProviderTransition; readonly to: ProviderStage }
  | { readonly ok: false; readonly error: DomainError };

/** The pure step: looks the (state, event) pair up in the table, then checks the rule's guards in order. */
export const transition = (from: ProviderStage, event: ProviderEvent, facts: TransitionFacts): TransitionResult => {
  const rule = PROVIDER_TRANSITIONS.find((t) => t.from === from && t.event === event);
  if (!rule) return { ok: false, error: refusal(event, from) };
  for (const g of rule.guards) {
    const error = GUARD_FAILURES[g](facts);
    if (error) return { ok: false, error };
  }
  const to = typeof rule.to === 'string' ? rule.to : rule.to[facts.approvalMode];
  return { ok: true, rule, to };
};

/** Statuses whose e-mail counts as verified (and owns its key). */
export const isVerifiedStatus = (s: ProviderStatus): boolean => s === 'active' || s === 'approved' || s === 'rejected';
