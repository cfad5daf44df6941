import { Effect } from 'effect';
import { MAX_CONV_SIZE } from '../bot/limits.js';
import { call, readOnly, transact } from '../effect/transact.js';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import type { ConversationRow, MemberRow } from '../ports/store/ConversationRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { codePoints } from '../shared/ids.js';
import type { BuiltinHost } from './BuiltinHost.js';
import type { ConversationEvent } from './events.js';
import { CONVERSATION_ACCESS, CONVERSATION_ACCESS_ROLES, DEFAULT_ACCESS, DEFAULT_ACCESS_ROLE, canonicalSet, sameSet } from './rules.js';
import { activeUser } from './users.js';
import { conversationView } from './views.js';

const noConversation = () => fail('no-conversation', 'Conversation not found');

const checkName = (name: string): Effect.Effect<void, DomainError> => {
  const n = codePoints(name);
  return n >= 1 && n <= 256 ? Effect.void : Effect.fail(badRequest('name: must be 1..256 characters'));
};

/** the conversation and the caller's membership; 404 no-conversation when either is missing */
export const memberConversation = (
  tx: Tx,
  uid: string,
  cid: string,
): Effect.Effect<{ conv: ConversationRow; member: MemberRow }, DomainError> =>
  Effect.gen(function* () {
    const conv = yield* call(() => tx.conversations.get(cid));
    const member = conv ? yield* call(() => tx.conversations.getMember(cid, uid)) : undefined;
    if (!conv || !member) return yield* Effect.fail(noConversation());
    return { conv, member };
  });

export interface NewConversationInput {
  /** invited user ids (already normalised) */
  readonly users: readonly string[];
  readonly name?: string;
  readonly team?: string;
  readonly access?: readonly string[];
  /** access_role set (access_role_v2 wins at the edge) */
  readonly accessRole?: readonly string[];
  readonly conversationRole?: 'wire_admin' | 'wire_member';
}

/** `POST /conversations`: a group conversation with the caller as wire_admin and the invited users */
export const createConversation = (deps: Deps, uid: string, input: NewConversationInput) =>
  Effect.gen(function* () {
    if (input.name !== undefined) yield* checkName(input.name);
    const access = canonicalSet(input.access ?? DEFAULT_ACCESS, CONVERSATION_ACCESS);
    const accessRole = canonicalSet(input.accessRole ?? DEFAULT_ACCESS_ROLE, CONVERSATION_ACCESS_ROLES);
    if (accessRole.length === 0) return yield* Effect.fail(badRequest('access_role: may not be empty'));
    const invited = [...new Set(input.users)].filter((u) => u !== uid);
    return yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const creator = yield* activeUser(tx, uid);
        if (input.team !== undefined && creator.team !== input.team)
          return yield* Effect.fail(fail('insufficient-permissions', 'Insufficient permissions.'));
        if (1 + invited.length > MAX_CONV_SIZE)
          return yield* Effect.fail(fail('too-many-members', 'Maximum number of members per conversation reached.'));
        const found = new Map((yield* call(() => tx.users.getMany(invited))).map((u) => [u.id, u]));
        const unknown = invited.find((id) => {
          const u = found.get(id);
          return !u || u.deleted || u.service !== null;
        });
        if (unknown !== undefined) return yield* Effect.fail(badRequest(`users: unknown user ${unknown}`));
        const conv: ConversationRow = {
          id: deps.random.uuidV4(),
          type: 0,
          name: input.name ?? null,
          team: input.team ?? null,
          creator: uid,
          access,
          accessRole,
          createdAt: deps.clock.now(),
        };
        yield* call(() => tx.conversations.insert(conv));
        yield* call(() => tx.conversations.addMember({ convId: conv.id, userId: uid, role: 'wire_admin', service: null }));
        const role = input.conversationRole ?? 'wire_admin';
        for (const id of invited) yield* call(() => tx.conversations.addMember({ convId: conv.id, userId: id, role, service: null }));
        const members = yield* call(() => tx.conversations.listMembers(conv.id));
        return conversationView(conv, members, uid, deps.policy.domain);
      }),
    );
  });

/** `GET /conversations/{cid}` */
export const getConversationView = (deps: Deps, uid: string, cid: string, domain?: string) =>
  readOnly(deps.store, (tx) =>
    Effect.gen(function* () {
      if (domain !== undefined && domain !== deps.policy.domain) return yield* Effect.fail(noConversation());
      const { conv } = yield* memberConversation(tx, uid, cid);
      return conversationView(conv, yield* call(() => tx.conversations.listMembers(cid)), uid, deps.policy.domain);
    }),
  );

const requireAdmin = (member: MemberRow, action: string): Effect.Effect<void, DomainError> =>
  member.role === 'wire_admin' ? Effect.void : Effect.fail(fail('action-denied', `Insufficient authorization (missing ${action})`));

/**
 * `PUT /conversations/{cid}/access`: the access-update event, or undefined (204) when nothing changes. When
 * `service` is dropped the platform's sink removes the bots in this same transaction, right after the event.
 */
export const updateConversationAccess = (
  deps: Deps,
  host: BuiltinHost,
  uid: string,
  cid: string,
  change: { readonly access: readonly string[]; readonly accessRole: readonly string[] },
  domain?: string,
): Effect.Effect<ConversationEvent | undefined, DomainError> =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      if (domain !== undefined && domain !== deps.policy.domain) return yield* Effect.fail(noConversation());
      const { conv, member } = yield* memberConversation(tx, uid, cid);
      yield* requireAdmin(member, 'modify_conversation_access');
      const access = canonicalSet(change.access, CONVERSATION_ACCESS);
      const accessRole = canonicalSet(change.accessRole, CONVERSATION_ACCESS_ROLES);
      if (sameSet(access, conv.access) && sameSet(accessRole, conv.accessRole)) return undefined;
      return yield* host.updateAccessTx(tx, uid, conv, access, accessRole);
    }),
  );

/** `PUT /conversations/{cid}/name` */
export const renameConversation = (deps: Deps, host: BuiltinHost, uid: string, cid: string, name: string) =>
  Effect.gen(function* () {
    yield* checkName(name);
    return yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const { conv, member } = yield* memberConversation(tx, uid, cid);
        yield* requireAdmin(member, 'modify_conversation_name');
        return yield* host.renameTx(tx, uid, conv, name);
      }),
    );
  });

/**
 * `DELETE /teams/{tid}/conversations/{cid}`: team owners and admins, or a team member who is wire_admin of the
 * conversation. One transaction: conversation.delete to every user and bot, bots removed by the platform, gone.
 */
export const deleteTeamConversation = (deps: Deps, host: BuiltinHost, uid: string, tid: string, cid: string) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const user = yield* call(() => tx.users.get(uid));
      const conv = yield* call(() => tx.conversations.get(cid));
      if (!user || user.deleted || user.team !== tid || !user.teamRole || !conv || conv.team !== tid)
        return yield* Effect.fail(noConversation());
      if (user.teamRole === 'member') {
        const member = yield* call(() => tx.conversations.getMember(cid, uid));
        if (member?.role !== 'wire_admin') return yield* Effect.fail(fail('access-denied', 'Access denied.'));
      }
      yield* host.deleteConversationTx(tx, uid, conv);
    }),
  );
