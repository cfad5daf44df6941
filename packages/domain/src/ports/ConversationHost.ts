import type { Effect } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import type { ConversationEvent } from '../host/events.js';
import type { Tx } from './store/Store.js';

/** host.md §8. Every method takes the platform's transaction; a host on another store may ignore it. */
export interface ServiceRef {
  readonly id: string;
  readonly provider: string;
}

export interface HostUser {
  readonly id: string;
  readonly name: string;
  readonly accentId: number;
  readonly assets: readonly unknown[];
  readonly handle: string | null;
  readonly team: string | null;
  readonly locale: string;
  readonly deleted: boolean;
  readonly service: ServiceRef | null;
}

export interface HostMember {
  readonly id: string;
  readonly role: string;
  readonly service: ServiceRef | null;
}

export interface HostConversation {
  readonly id: string;
  /** 0 group, 1 self, 2 one-to-one, 3 connect */
  readonly type: number;
  readonly name: string | null;
  readonly team: string | null;
  readonly access: readonly string[];
  /** access_role_v2 set: team_member, non_team_member, guest, service */
  readonly accessRole: readonly string[];
  /** every member (users and bots) in join order */
  readonly members: readonly HostMember[];
}

export interface HostClient {
  readonly id: string;
  readonly type: string;
  readonly class: string | null;
  readonly label: string | null;
  /** ms */
  readonly time: number;
}

export interface Prekey {
  readonly id: number;
  readonly key: string;
}

export type MissingStrategy =
  | { readonly kind: 'report-all' }
  | { readonly kind: 'ignore-all' }
  /** report only missing clients of these users */
  | { readonly kind: 'report-only'; readonly users: readonly string[] }
  /** report all but these users' missing clients */
  | { readonly kind: 'ignore-only'; readonly users: readonly string[] };

export interface OtrMessage {
  readonly sender: string;
  /** user id → client id → base64 ciphertext */
  readonly recipients: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly data?: string;
  readonly transient: boolean;
}

export interface ClientMismatch {
  readonly time: string;
  readonly missing: Record<string, string[]>;
  readonly redundant: Record<string, string[]>;
  readonly deleted: Record<string, string[]>;
}

export interface ConversationHost {
  getUser(tx: Tx, uid: string): Promise<HostUser | undefined>;
  getUsers(tx: Tx, uids: readonly string[]): Promise<HostUser[]>;
  /** undefined when the conversation does not exist or `viewer` is not a member */
  getConversation(tx: Tx, viewer: string, cid: string): Promise<HostConversation | undefined>;
  getConversationInternal(tx: Tx, cid: string): Promise<HostConversation | undefined>;
  getTeamRole(tx: Tx, tid: string, uid: string): Promise<'owner' | 'admin' | 'member' | undefined>;
  /** ids of the team's conversations */
  listTeamConversations(tx: Tx, tid: string): Promise<string[]>;
  listClients(tx: Tx, uid: string): Promise<HostClient[]>;
  getClient(tx: Tx, uid: string, client: string): Promise<HostClient | undefined>;
  listPrekeyIds(tx: Tx, uid: string, client: string): Promise<number[]>;

  createBotUser(
    tx: Tx,
    bot: { id: string; name: string; accentId: number; assets: readonly unknown[]; service: ServiceRef; locale: string },
  ): Promise<void>;
  createBotClient(tx: Tx, botId: string, client: { id: string; prekeys: readonly Prekey[]; lastPrekey: Prekey }): Promise<void>;
  /** adds the bot with role wire_admin; returns the conversation.member-join event (also stored for the users) */
  addBotMember(tx: Tx, actor: string, cid: string, botId: string, service: ServiceRef): Promise<ConversationEvent>;
  /** removes a member; returns the member-leave event (also stored for the users), or undefined when not a member.
   *  `emit=false` removes silently (conversation deletion). */
  removeMember(tx: Tx, actor: string, cid: string, memberId: string, reason: 'removed' | 'left' | 'user-deleted', emit?: boolean): Promise<ConversationEvent | undefined>;
  /** marks the user deleted, removes its clients and prekeys */
  deleteBotUser(tx: Tx, botId: string): Promise<void>;
  addPrekeys(tx: Tx, uid: string, client: string, prekeys: readonly Prekey[]): Promise<void>;
  /** claims one prekey per client; null for unknown clients */
  claimPrekeys(tx: Tx, request: Readonly<Record<string, readonly string[]>>): Promise<Record<string, Record<string, Prekey | null>>>;
  /** relays an OTR message; 412 outcome when reported clients are missing (nothing delivered) */
  postMessage(
    tx: Tx,
    sender: { user: string; client: string },
    cid: string,
    message: OtrMessage,
    strategy: MissingStrategy,
  ): Promise<{ status: 201 | 412; mismatch: ClientMismatch }>;
}

/** The "deliverEvent" hook: the host hands the platform every conversation event it commits, with the bots that get it. */
export type ConversationEventSink = (
  tx: Tx,
  event: ConversationEvent,
  botRecipients: readonly string[],
) => Effect.Effect<void, DomainError>;
