import { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';
import { transition, type ProviderEvent, type ProviderStatus, type TransitionFacts } from './states.js';

type Changes = Partial<Omit<ProviderRecord, 'id' | 'status'>>;

/**
 * The only way a provider's status changes: the transition table decides the target state, then the record
 * is rebuilt with the transition's other effects. A refused transition fails with the table's error.
 */
export const moveProvider = (
  p: ProviderRecord,
  event: ProviderEvent,
  facts: TransitionFacts,
  changes: Changes = {},
): Effect.Effect<ProviderRecord, DomainError> => {
  const t = transition(p.status, event, facts);
  if (!t.ok) return Effect.fail(t.error);
  if (t.to === 'none') return Effect.die(new Error(`moveProvider: ${event} removes the provider; use purgeDecision`));
  return Effect.succeed({ ...p, ...changes, status: t.to as ProviderStatus });
};

/** T1: the new provider's first record. */
export const createProvider = (
  fields: Omit<ProviderRecord, 'status'>,
  facts: TransitionFacts,
): Effect.Effect<ProviderRecord, DomainError> => {
  const t = transition('none', 'register', facts);
  if (!t.ok) return Effect.fail(t.error);
  return Effect.succeed({ ...fields, status: t.to as ProviderStatus });
};

/** T8 (and superseding registrations): allowed only for never-verified providers. */
export const purgeDecision = (p: ProviderRecord, facts: TransitionFacts): Effect.Effect<void, DomainError> => {
  const t = transition(p.status, 'purge', facts);
  return t.ok ? Effect.void : Effect.fail(t.error);
};
