import { Effect } from 'effect';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import { call, readOnly, transact } from '../effect/transact.js';
import { approvalConfirmMail, rejectedMail } from '../mail/templates.js';
import { queueMail } from '../mail/queue.js';
import type { ProviderCursor } from '../ports/store/ProviderRepo.js';
import type { Deps } from '../platform.js';
import { emailKey } from '../shared/email.js';
import { isUuid } from '../shared/ids.js';
import { providerNotFound } from './access.js';
import { moveProvider } from './aggregate.js';
import { activationKey, approvalKey, isPending } from './codes.js';
import { adminProviderView, type AdminProviderView } from './record.js';
import type { ProviderStatus } from './states.js';

export type StaffStatusFilter = Exclude<ProviderStatus, 'deleted'>;

export interface ProviderPage {
  readonly has_more: boolean;
  readonly providers: AdminProviderView[];
  readonly next?: string;
}

/** Opaque cursor: the last item's sort key plus the filter it was issued for (README "Pagination"). */
const encodeCursor = (c: ProviderCursor, filter: string): string =>
  Buffer.from(JSON.stringify([c.createdAt, c.id, filter]), 'utf8').toString('base64url');

const decodeCursor = (text: string, filter: string): ProviderCursor | undefined => {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return undefined;
    const [createdAt, id, f] = v as unknown[];
    if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || typeof id !== 'string' || !isUuid(id) || f !== filter)
      return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
};

/** `GET /i/providers`: non-deleted providers sorted by (created_at, id), exact `has_more`, cursor paging. */
export const listProviders = (
  deps: Deps,
  query: { readonly status?: StaffStatusFilter; readonly size: number; readonly cursor?: string },
): Effect.Effect<ProviderPage, DomainError> =>
  Effect.gen(function* () {
    const filter = query.status ?? '*';
    let after: ProviderCursor | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, filter);
      if (!after) return yield* Effect.fail(badRequest('cursor: malformed, or issued for other parameters'));
    }
    const rows = yield* readOnly(deps.store, (tx) =>
      call(() =>
        tx.providers.list({
          ...(query.status ? { status: query.status } : {}),
          ...(after ? { after } : {}),
          limit: query.size + 1,
        }),
      ),
    );
    const page = rows.slice(0, query.size);
    const hasMore = rows.length > query.size;
    const last = page[page.length - 1];
    return {
      has_more: hasMore,
      providers: page.map(adminProviderView),
      ...(hasMore && last ? { next: encodeCursor(last, filter) } : {}),
    };
  });

/** `POST /i/providers/{pid}/approve`: T3 (from active) or T4 (from rejected); a pending approval code dies. */
export const approveProviderByStaff = (deps: Deps, providerId: string): Effect.Effect<AdminProviderView, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const p = yield* call(() => tx.providers.get(providerId));
      if (!p) return yield* Effect.fail(providerNotFound());
      const now = deps.clock.now();
      const next = yield* moveProvider(p, 'approveByStaff', { approvalMode: deps.policy.providerApproval }, { decidedAt: now, reason: null });
      yield* call(() => tx.providers.update(next));
      yield* call(() => tx.codes.delete(approvalKey(providerId)));
      yield* queueMail(deps, tx, approvalConfirmMail(deps.policy, next));
      deps.logger.info({ provider: providerId }, 'provider approved by staff');
      return adminProviderView(next);
    }),
  );

/** `POST /i/providers/{pid}/reject`: T5; the approval code dies and the provider is told the reason. */
export const rejectProvider = (deps: Deps, providerId: string, reason: string): Effect.Effect<AdminProviderView, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const p = yield* call(() => tx.providers.get(providerId));
      if (!p) return yield* Effect.fail(providerNotFound());
      const now = deps.clock.now();
      const next = yield* moveProvider(p, 'reject', { approvalMode: deps.policy.providerApproval }, { decidedAt: now, reason });
      yield* call(() => tx.providers.update(next));
      yield* call(() => tx.codes.delete(approvalKey(providerId)));
      yield* queueMail(deps, tx, rejectedMail(deps.policy, next, reason));
      deps.logger.info({ provider: providerId }, 'provider rejected by staff');
      return adminProviderView(next);
    }),
  );

/** Test route `GET /i/provider/activation-code`: the pending activation code of an e-mail, if any. */
export const pendingActivationCode = (deps: Deps, email: string): Effect.Effect<{ key: string; code: string }, DomainError> =>
  readOnly(deps.store, (tx) =>
    Effect.gen(function* () {
      const key = activationKey(emailKey(email));
      const code = yield* call(() => tx.codes.get(key));
      if (!code || code.purpose !== 'activation' || !isPending(code, deps.clock.now()))
        return yield* Effect.fail(fail('not-found', 'Activation key not found.'));
      return { key: code.key, code: code.code };
    }),
  );
