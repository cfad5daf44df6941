import { Effect } from 'effect';
import { call, readOnly } from '../effect/transact.js';
import { badRequest, type DomainError } from '../errors/DomainError.js';
import type { Deps } from '../platform.js';
import { nameKeyOf } from '../service/model.js';
import { codePoints } from '../shared/ids.js';
import { queryDigest } from './cursor.js';
import { cursorPosition, toPage, type ServiceProfilePage } from './page.js';
import { parseTagQuery } from './tagQuery.js';
import type { ServiceTag } from '../service/tags.js';

export const MAX_PREFIX = 128;

/** `GET /services` query after shape validation at the edge. */
export interface DirectoryQuery {
  readonly tags?: string;
  readonly start?: string;
  readonly size: number;
  readonly cursor?: string;
}

/** A prefix parameter (`start`, `prefix`): 1..128 characters, compared lowercased. */
export const checkPrefix = (field: string, value: string | undefined): Effect.Effect<string | undefined, DomainError> => {
  if (value === undefined) return Effect.succeed(undefined);
  const n = codePoints(value);
  return n < 1 || n > MAX_PREFIX ? Effect.fail(badRequest(`${field}: must be 1..${MAX_PREFIX} characters`)) : Effect.succeed(nameKeyOf(value));
};

/** services.md §6: enabled services matching the tag groups and/or the name prefix, in (name, id) order. */
export const searchDirectory = (deps: Deps, q: DirectoryQuery): Effect.Effect<ServiceProfilePage, DomainError> =>
  Effect.gen(function* () {
    if (q.tags === undefined && q.start === undefined) return yield* Effect.fail(badRequest('At least `tags` or `start` must be provided.'));
    let tagGroups: ServiceTag[][] | undefined;
    if (q.tags !== undefined) {
      const parsed = parseTagQuery(q.tags);
      if (!parsed.ok) return yield* Effect.fail(badRequest(parsed.message));
      tagGroups = parsed.value;
    }
    const prefix = yield* checkPrefix('start', q.start);
    const digest = queryDigest({ q: 'services', tags: tagGroups ?? null, start: prefix ?? null });
    const after = yield* cursorPosition(q.cursor, digest);
    const rows = yield* readOnly(deps.store, (tx) =>
      call(() =>
        tx.services.search({
          limit: q.size + 1,
          ...(tagGroups !== undefined ? { tagGroups } : {}),
          ...(prefix !== undefined ? { prefix } : {}),
          ...(after !== undefined ? { after } : {}),
        }),
      ),
    );
    return toPage(rows, q.size, digest);
  });
