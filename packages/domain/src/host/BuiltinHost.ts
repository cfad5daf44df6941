import { Cause, Effect, Exit } from 'effect';
import { call } from '../effect/transact.js';
import { fail, type DomainError } from '../errors/DomainError.js';
import type {
  ClientMismatch,
  ConversationEventSink,
  ConversationHost,
  HostClient,
  HostConversation,
  HostUser,
  MissingStrategy,
  OtrMessage,
  Prekey,
  ServiceRef,
} from '../ports/ConversationHost.js';
import { LAST_RESORT_PREKEY_ID } from '../ports/store/ClientRepo.js';
import type { ConversationRow, MemberRow } from '../ports/store/ConversationRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { isoTime } from '../shared/time.js';
import {
  accessUpdateEvent,
  conversationDeleteEvent,
  memberJoinEvent,
  memberLeaveEvent,
  otrMessageAddEvent,
  renameEvent,
  type ConversationEvent,
  type EventEnvelope,
  type MemberLeaveReason,
} from './events.js';
import { notificationId } from './ids.js';
import { hostClientOf, hostConversationOf, hostUserOf } from './views.js';

/** Work other areas attach to host cascades, run in the same transaction. */
export interface BuiltinHostHooks {
  /** while a team is deleted, after its conversations and members are gone (e.g. drop the team's whitelist) */
  readonly onTeamDeleted?: (tx: Tx, teamId: string) => Effect.Effect<void, DomainError>;
}

/** Runs a host Effect for the Promise-based port: a DomainError rejects the promise as itself. */
const run = <A>(e: Effect.Effect<A, DomainError>): Promise<A> =>
  Effect.runPromiseExit(e).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value;
    throw Cause.squash(exit.cause);
  });

const isBot = (m: MemberRow) => m.service !== null;
const humansOf = (members: readonly MemberRow[]) => members.filter((m) => !isBot(m)).map((m) => m.userId);
const botsOf = (members: readonly MemberRow[]) => members.filter(isBot).map((m) => m.userId);

const noConversation = () => fail('no-conversation', 'Conversation not found');

const addTo = (map: Record<string, string[]>, user: string, client: string) => {
  (map[user] ??= []).push(client);
};
const sorted = (map: Record<string, string[]>): Record<string, string[]> =>
  Object.fromEntries(Object.keys(map).sort().map((u) => [u, [...map[u]!].sort()]));

/** whether `strategy` reports the missing clients of `user` (bots.md §6 "Which missing clients block sending") */
const reports = (strategy: MissingStrategy, user: string): boolean => {
  switch (strategy.kind) {
    case 'report-all':
      return true;
    case 'ignore-all':
      return false;
    case 'report-only':
      return strategy.users.includes(user);
    case 'ignore-only':
      return !strategy.users.includes(user);
  }
};

/**
 * The built-in messaging host (host.md §1–§8) over the platform's own store: every command runs in the caller's
 * transaction, stores the events it produces in the users' notification streams and hands each event to the
 * platform's sink with the bots that receive it, in the same transaction.
 *
 * The Effect methods (`…Tx`) are what the host's own use cases call; the Promise methods implement the
 * `ConversationHost` port for the platform core.
 */
export class BuiltinHost implements ConversationHost {
  constructor(
    readonly deps: Deps,
    private readonly sink: ConversationEventSink,
    private readonly hooks: BuiltinHostHooks = {},
  ) {}

  // ---------------------------------------------------------------- events

  envelope(conv: ConversationRow, from: string): EventEnvelope {
    return { domain: this.deps.policy.domain, conversation: conv.id, team: conv.team, from, time: this.deps.clock.now() };
  }

  /** Stores `event` in the streams of `users`, tagged with `client` for per-client events (one id for all). */
  storeTx(tx: Tx, event: ConversationEvent, users: readonly string[], client: string | null = null): Effect.Effect<void> {
    return Effect.gen(this, function* () {
      if (users.length === 0) return;
      const id = notificationId(this.deps.clock, this.deps.random);
      const createdAt = this.deps.clock.now();
      for (const userId of new Set(users)) yield* call(() => tx.notifications.append({ userId, id, client, payload: [event], createdAt }));
    });
  }

  /**
   * Commits one event: a notification in the stream of each of `users`, then the sink with `bots` (also when
   * there are none). Users come first so that whatever the sink cascades lands after it in their streams.
   */
  publishTx(tx: Tx, event: ConversationEvent, users: readonly string[], bots: readonly string[]): Effect.Effect<void, DomainError> {
    return Effect.gen(this, function* () {
      yield* this.storeTx(tx, event, users);
      yield* this.sink(tx, event, bots);
    });
  }

  /** to every member of `members`: the users' streams and the sink with the bots */
  publishToMembersTx(tx: Tx, event: ConversationEvent, members: readonly MemberRow[]) {
    return this.publishTx(tx, event, humansOf(members), botsOf(members));
  }

  // ---------------------------------------------------------------- commands (Effect)

  addBotMemberTx(tx: Tx, actor: string, cid: string, botId: string, service: ServiceRef): Effect.Effect<ConversationEvent, DomainError> {
    return Effect.gen(this, function* () {
      const conv = yield* call(() => tx.conversations.get(cid));
      if (!conv) return yield* Effect.fail(noConversation());
      const member: MemberRow = { convId: cid, userId: botId, role: 'wire_admin', service: { id: service.id, provider: service.provider } };
      yield* call(() => tx.conversations.addMember(member));
      const event = memberJoinEvent(this.envelope(conv, actor), [{ id: botId, role: member.role }]);
      // every member after the join, including the new bot
      yield* this.publishToMembersTx(tx, event, yield* call(() => tx.conversations.listMembers(cid)));
      return event;
    });
  }

  /** removes a member; the member-leave goes to every member before the change (the removed one included) */
  removeMemberTx(
    tx: Tx,
    actor: string,
    cid: string,
    memberId: string,
    reason: MemberLeaveReason,
    emit = true,
  ): Effect.Effect<ConversationEvent | undefined, DomainError> {
    return Effect.gen(this, function* () {
      const conv = yield* call(() => tx.conversations.get(cid));
      if (!conv) return undefined;
      const before = yield* call(() => tx.conversations.listMembers(cid));
      if (!before.some((m) => m.userId === memberId)) return undefined;
      yield* call(() => tx.conversations.removeMember(cid, memberId));
      if (!emit) return undefined;
      const event = memberLeaveEvent(this.envelope(conv, actor), [memberId], reason);
      yield* this.publishToMembersTx(tx, event, before);
      return event;
    });
  }

  /** marks the user deleted and frees its e-mail and handle; removes its clients and prekeys */
  private markDeletedTx(tx: Tx, uid: string): Effect.Effect<void> {
    return Effect.gen(function* () {
      const user = yield* call(() => tx.users.get(uid));
      if (user && !user.deleted)
        yield* call(() =>
          tx.users.update({ ...user, deleted: true, email: null, emailKey: null, passwordHash: null, handle: null, team: null, teamRole: null }),
        );
      yield* call(() => tx.clients.deleteAllOfUser(uid));
    });
  }

  deleteBotUserTx(tx: Tx, botId: string): Effect.Effect<void> {
    return this.markDeletedTx(tx, botId);
  }

  /** host.md §1 "Deleted users": leaves every conversation (member-leave, reason user-deleted, from = the user) */
  deleteUserTx(tx: Tx, uid: string): Effect.Effect<void, DomainError> {
    return Effect.gen(this, function* () {
      for (const cid of yield* call(() => tx.conversations.listIdsOfMember(uid)))
        yield* this.removeMemberTx(tx, uid, cid, uid, 'user-deleted');
      yield* this.markDeletedTx(tx, uid);
    });
  }

  /**
   * conversation.delete to every user and bot, then the conversation is gone. Bots are not removed here: the
   * sink removes them (silently) while the conversation still exists; memberships left over go with it.
   */
  deleteConversationTx(tx: Tx, actor: string, conv: ConversationRow): Effect.Effect<ConversationEvent, DomainError> {
    return Effect.gen(this, function* () {
      const members = yield* call(() => tx.conversations.listMembers(conv.id));
      const event = conversationDeleteEvent(this.envelope(conv, actor));
      yield* this.publishToMembersTx(tx, event, members);
      yield* call(() => tx.conversations.delete(conv.id));
      return event;
    });
  }

  /** team deletion (host.md §3): its conversations, its members' accounts, hooks (whitelist), the team */
  deleteTeamTx(tx: Tx, actor: string, teamId: string): Effect.Effect<void, DomainError> {
    return Effect.gen(this, function* () {
      for (const cid of yield* call(() => tx.conversations.listIdsByTeam(teamId))) {
        const conv = yield* call(() => tx.conversations.get(cid));
        if (conv) yield* this.deleteConversationTx(tx, actor, conv);
      }
      for (const member of yield* call(() => tx.users.listByTeam(teamId))) yield* this.deleteUserTx(tx, member.id);
      if (this.hooks.onTeamDeleted) yield* this.hooks.onTeamDeleted(tx, teamId);
      yield* call(() => tx.teams.delete(teamId));
    });
  }

  /** stores the new access and access role and publishes the access-update (the caller skips unchanged values) */
  updateAccessTx(
    tx: Tx,
    actor: string,
    conv: ConversationRow,
    access: readonly string[],
    accessRole: readonly string[],
  ): Effect.Effect<ConversationEvent, DomainError> {
    return Effect.gen(this, function* () {
      yield* call(() => tx.conversations.update({ ...conv, access: [...access], accessRole: [...accessRole] }));
      const event = accessUpdateEvent(this.envelope(conv, actor), access, accessRole);
      // the sink removes the bots afterwards when `service` was dropped: they get the access-update first
      yield* this.publishToMembersTx(tx, event, yield* call(() => tx.conversations.listMembers(conv.id)));
      return event;
    });
  }

  renameTx(tx: Tx, actor: string, conv: ConversationRow, name: string): Effect.Effect<ConversationEvent, DomainError> {
    return Effect.gen(this, function* () {
      yield* call(() => tx.conversations.update({ ...conv, name }));
      const event = renameEvent(this.envelope(conv, actor), name);
      yield* this.publishToMembersTx(tx, event, yield* call(() => tx.conversations.listMembers(conv.id)));
      return event;
    });
  }

  /**
   * The OTR relay (bots.md §6 client sets): expected = every client of every member but the sender client;
   * 412 when reported clients are missing (nothing delivered); else one otr-message-add per expected recipient
   * client — stored for users unless transient, handed to the sink for bots (each bot its own copy).
   */
  postMessageTx(
    tx: Tx,
    sender: { user: string; client: string },
    cid: string,
    message: OtrMessage,
    strategy: MissingStrategy,
  ): Effect.Effect<{ status: 201 | 412; mismatch: ClientMismatch }, DomainError> {
    return Effect.gen(this, function* () {
      const conv = yield* call(() => tx.conversations.get(cid));
      if (!conv) return yield* Effect.fail(noConversation());
      const members = yield* call(() => tx.conversations.listMembers(cid));
      const clientsOf = new Map<string, Set<string>>(members.map((m) => [m.userId, new Set<string>()]));
      for (const c of yield* call(() => tx.clients.listByUsers(members.map((m) => m.userId)))) clientsOf.get(c.userId)?.add(c.id);
      const isSender = (u: string, c: string) => u === sender.user && c === sender.client;

      const missing: Record<string, string[]> = {};
      const redundant: Record<string, string[]> = {};
      const deleted: Record<string, string[]> = {};
      for (const m of members)
        for (const c of clientsOf.get(m.userId)!)
          if (!isSender(m.userId, c) && message.recipients[m.userId]?.[c] === undefined && reports(strategy, m.userId))
            addTo(missing, m.userId, c);
      for (const [u, texts] of Object.entries(message.recipients)) {
        const clients = clientsOf.get(u);
        for (const c of Object.keys(texts)) {
          if (clients === undefined || isSender(u, c)) addTo(redundant, u, c);
          else if (!clients.has(c)) addTo(deleted, u, c);
        }
      }
      const time = isoTime(this.deps.clock.now());
      if (Object.keys(missing).length > 0)
        return { status: 412 as const, mismatch: { time, missing: sorted(missing), redundant: sorted(redundant), deleted: sorted(deleted) } };

      const env = this.envelope(conv, sender.user);
      for (const m of members) {
        const texts = message.recipients[m.userId];
        if (!texts) continue;
        for (const c of clientsOf.get(m.userId)!) {
          const text = texts[c];
          if (text === undefined || isSender(m.userId, c)) continue;
          const event = otrMessageAddEvent(env, { sender: sender.client, recipient: c, text, ...(message.data !== undefined ? { data: message.data } : {}) });
          // per-client copies: a user's goes to its stream only, a bot's to the sink only
          if (isBot(m)) yield* this.sink(tx, event, [m.userId]);
          else if (!message.transient) yield* this.storeTx(tx, event, [m.userId], c);
        }
      }
      return { status: 201 as const, mismatch: { time, missing: {}, redundant: sorted(redundant), deleted: sorted(deleted) } };
    });
  }

  // ---------------------------------------------------------------- ConversationHost (Promise port)

  async getUser(tx: Tx, uid: string): Promise<HostUser | undefined> {
    const u = await tx.users.get(uid);
    return u ? hostUserOf(u) : undefined;
  }

  async getUsers(tx: Tx, uids: readonly string[]): Promise<HostUser[]> {
    return (await tx.users.getMany(uids)).map(hostUserOf);
  }

  async getConversation(tx: Tx, viewer: string, cid: string): Promise<HostConversation | undefined> {
    const conv = await this.getConversationInternal(tx, cid);
    return conv?.members.some((m) => m.id === viewer) ? conv : undefined;
  }

  async getConversationInternal(tx: Tx, cid: string): Promise<HostConversation | undefined> {
    const conv = await tx.conversations.get(cid);
    return conv ? hostConversationOf(conv, await tx.conversations.listMembers(cid)) : undefined;
  }

  async getTeamRole(tx: Tx, tid: string, uid: string): Promise<'owner' | 'admin' | 'member' | undefined> {
    const u = await tx.users.get(uid);
    return u && !u.deleted && u.team === tid && u.teamRole ? u.teamRole : undefined;
  }

  listTeamConversations(tx: Tx, tid: string): Promise<string[]> {
    return tx.conversations.listIdsByTeam(tid);
  }

  async listClients(tx: Tx, uid: string): Promise<HostClient[]> {
    return (await tx.clients.listByUser(uid)).map(hostClientOf);
  }

  async getClient(tx: Tx, uid: string, client: string): Promise<HostClient | undefined> {
    const c = await tx.clients.get(uid, client);
    return c ? hostClientOf(c) : undefined;
  }

  listPrekeyIds(tx: Tx, uid: string, client: string): Promise<number[]> {
    return tx.clients.listPrekeyIds(uid, client);
  }

  async createBotUser(
    tx: Tx,
    bot: { id: string; name: string; accentId: number; assets: readonly unknown[]; service: ServiceRef; locale: string },
  ): Promise<void> {
    await tx.users.insert({
      id: bot.id,
      name: bot.name,
      email: null,
      emailKey: null,
      passwordHash: null,
      handle: null,
      accentId: bot.accentId,
      assets: bot.assets,
      locale: bot.locale,
      team: null,
      teamRole: null,
      service: { id: bot.service.id, provider: bot.service.provider },
      deleted: false,
      createdAt: this.deps.clock.now(),
    });
  }

  async createBotClient(tx: Tx, botId: string, client: { id: string; prekeys: readonly Prekey[]; lastPrekey: Prekey }): Promise<void> {
    await tx.clients.insert({ userId: botId, id: client.id, type: 'permanent', class: null, label: null, createdAt: this.deps.clock.now() });
    await tx.clients.putPrekeys(botId, client.id, [...client.prekeys, { id: LAST_RESORT_PREKEY_ID, key: client.lastPrekey.key }]);
  }

  addBotMember(tx: Tx, actor: string, cid: string, botId: string, service: ServiceRef): Promise<ConversationEvent> {
    return run(this.addBotMemberTx(tx, actor, cid, botId, service));
  }

  removeMember(
    tx: Tx,
    actor: string,
    cid: string,
    memberId: string,
    reason: 'removed' | 'left' | 'user-deleted',
    emit = true,
  ): Promise<ConversationEvent | undefined> {
    return run(this.removeMemberTx(tx, actor, cid, memberId, reason, emit));
  }

  deleteBotUser(tx: Tx, botId: string): Promise<void> {
    return run(this.deleteBotUserTx(tx, botId));
  }

  addPrekeys(tx: Tx, uid: string, client: string, prekeys: readonly Prekey[]): Promise<void> {
    return tx.clients.putPrekeys(uid, client, prekeys);
  }

  async claimPrekeys(tx: Tx, request: Readonly<Record<string, readonly string[]>>): Promise<Record<string, Record<string, Prekey | null>>> {
    const out: Record<string, Record<string, Prekey | null>> = {};
    for (const [uid, clients] of Object.entries(request)) {
      const forUser: Record<string, Prekey | null> = {};
      for (const c of clients) forUser[c] = (await tx.clients.get(uid, c)) ? ((await tx.clients.claimPrekey(uid, c)) ?? null) : null;
      out[uid] = forUser;
    }
    return out;
  }

  postMessage(
    tx: Tx,
    sender: { user: string; client: string },
    cid: string,
    message: OtrMessage,
    strategy: MissingStrategy,
  ): Promise<{ status: 201 | 412; mismatch: ClientMismatch }> {
    return run(this.postMessageTx(tx, sender, cid, message, strategy));
  }
}
