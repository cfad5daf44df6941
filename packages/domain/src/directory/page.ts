import { Effect } from 'effect';
import { badRequest, type DomainError } from '../errors/DomainError.js';
import type { ServiceRecord } from '../service/model.js';
import { serviceProfileView, type ServiceProfile } from '../service/views.js';
import type { SortKey } from '../ports/store/ServiceRepo.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export const PAGE_SIZE = { min: 10, max: 100, default: 20 } as const;

/** `ServiceProfilePage` */
export interface ServiceProfilePage {
  readonly has_more: boolean;
  readonly services: ServiceProfile[];
  readonly next?: string;
}

export const cursorPosition = (cursor: string | undefined, digest: string): Effect.Effect<SortKey | undefined, DomainError> => {
  if (cursor === undefined) return Effect.succeed(undefined);
  const c = decodeCursor(cursor, digest);
  return c.ok ? Effect.succeed(c.value) : Effect.fail(badRequest(c.message));
};

/** `rows` were fetched with limit size + 1: the extra row only tells that more exist (exact has_more). */
export const toPage = (rows: readonly ServiceRecord[], size: number, digest: string): ServiceProfilePage => {
  const items = rows.slice(0, size);
  const hasMore = rows.length > size;
  const last = items[items.length - 1];
  return hasMore && last
    ? { has_more: true, services: items.map(serviceProfileView), next: encodeCursor(last, digest) }
    : { has_more: false, services: items.map(serviceProfileView) };
};
