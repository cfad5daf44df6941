import { Effect } from 'effect';
import { call, transact } from '../effect/transact.js';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import type { ClientMismatch, MissingStrategy, OtrMessage } from '../ports/ConversationHost.js';
import type { Deps } from '../platform.js';
import { normaliseUuid } from '../shared/ids.js';
import type { BuiltinHost } from './BuiltinHost.js';
import { memberConversation } from './conversations.js';

/** `true`, `false` or a comma-separated list of user ids; undefined when malformed */
const boolOrUsers = (raw: string): boolean | string[] | undefined => {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const ids = raw.split(',').map((s) => normaliseUuid(s.trim()));
  return ids.every((id) => id !== undefined) ? (ids as string[]) : undefined;
};

/**
 * bots.md §6 "Which missing clients block sending", first that applies: body `report_missing`; query
 * `ignore_missing`; query `report_missing`; otherwise report all. Shared by `POST /conversations/{cid}/otr/messages`
 * and `POST /bot/messages`. Query values that are arrays (a repeated parameter) or malformed → 400.
 */
export const parseMissingStrategy = (
  bodyReportMissing: readonly string[] | undefined,
  ignoreMissing: string | readonly string[] | undefined,
  reportMissing: string | readonly string[] | undefined,
): Effect.Effect<MissingStrategy, DomainError> => {
  const parse = (name: string, raw: string | readonly string[] | undefined) => {
    if (raw === undefined) return undefined;
    const v = typeof raw === 'string' ? boolOrUsers(raw) : undefined;
    if (v === undefined) throw badRequest(`${name}: must be true, false or a comma-separated list of user ids`);
    return v;
  };
  try {
    const ignore = parse('ignore_missing', ignoreMissing);
    const report = parse('report_missing', reportMissing);
    if (bodyReportMissing !== undefined) return Effect.succeed({ kind: 'report-only', users: [...bodyReportMissing] });
    if (ignore !== undefined)
      return Effect.succeed(ignore === true ? { kind: 'ignore-all' } : ignore === false ? { kind: 'report-all' } : { kind: 'ignore-only', users: ignore });
    if (report !== undefined)
      return Effect.succeed(report === true ? { kind: 'report-all' } : report === false ? { kind: 'ignore-all' } : { kind: 'report-only', users: report });
    return Effect.succeed({ kind: 'report-all' });
  } catch (e) {
    return Effect.fail(e as DomainError);
  }
};

/**
 * `POST /conversations/{cid}/otr/messages`: 404 no-conversation unless the caller is a member, 403 unknown-client
 * unless `sender` is one of the caller's clients, then the relay (412 or 201 with the ClientMismatch).
 */
export const postOtrMessage = (
  deps: Deps,
  host: BuiltinHost,
  uid: string,
  cid: string,
  message: OtrMessage,
  strategy: MissingStrategy,
): Effect.Effect<{ status: 201 | 412; mismatch: ClientMismatch }, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      yield* memberConversation(tx, uid, cid);
      if (!(yield* call(() => tx.clients.get(uid, message.sender)))) return yield* Effect.fail(fail('unknown-client', 'Unknown Client'));
      return yield* host.postMessageTx(tx, { user: uid, client: message.sender }, cid, message, strategy);
    }),
  );
