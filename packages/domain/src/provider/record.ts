import { isoTime } from '../shared/time.js';
import type { ProviderRecord } from '../ports/store/ProviderRepo.js';

/** `Provider` (providers.md §6): the provider's own view and, identically, the public profile. */
export interface ProviderView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly url: string;
  readonly description: string;
  readonly status: 'active' | 'approved' | 'rejected';
}

/** `AdminProvider` (providers.md §8). */
export interface AdminProviderView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly url: string;
  readonly description: string;
  readonly status: 'registered' | 'active' | 'approved' | 'rejected';
  readonly created_at: string;
  readonly verified_at: string | null;
  readonly decided_at: string | null;
  readonly reason: string | null;
}

export const providerView = (p: ProviderRecord): ProviderView => ({
  id: p.id,
  name: p.name,
  email: p.email,
  url: p.url,
  description: p.description,
  status: p.status as ProviderView['status'],
});

export const adminProviderView = (p: ProviderRecord): AdminProviderView => ({
  id: p.id,
  name: p.name,
  email: p.email,
  url: p.url,
  description: p.description,
  status: p.status as AdminProviderView['status'],
  created_at: isoTime(p.createdAt),
  verified_at: p.verifiedAt === null ? null : isoTime(p.verifiedAt),
  decided_at: p.decidedAt === null ? null : isoTime(p.decidedAt),
  reason: p.status === 'rejected' ? p.reason : null,
});
