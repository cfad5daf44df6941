import type { ServiceRef } from '../ConversationHost.js';

export interface ConversationRow {
  readonly id: string;
  /** 0 = group (the only type the built-in host creates) */
  readonly type: number;
  readonly name: string | null;
  readonly team: string | null;
  readonly creator: string;
  readonly access: readonly string[];
  /** access_role_v2 set */
  readonly accessRole: readonly string[];
  /** ms */
  readonly createdAt: number;
}

export interface MemberRow {
  readonly convId: string;
  readonly userId: string;
  /** wire_admin | wire_member */
  readonly role: string;
  /** set for bots */
  readonly service: ServiceRef | null;
}

/** Conversations and their members (host.md §4). */
export interface ConversationRepo {
  insert(conv: ConversationRow): Promise<void>;
  /** replaces name, access and access role */
  update(conv: ConversationRow): Promise<void>;
  get(id: string): Promise<ConversationRow | undefined>;
  /** deletes the conversation and every membership in it */
  delete(id: string): Promise<void>;
  /** ids of a team's conversations, oldest first */
  listIdsByTeam(teamId: string): Promise<string[]>;
  /** appends a member at the end of the join order */
  addMember(member: MemberRow): Promise<void>;
  /** false when `userId` was not a member */
  removeMember(convId: string, userId: string): Promise<boolean>;
  getMember(convId: string, userId: string): Promise<MemberRow | undefined>;
  /** members in join order */
  listMembers(convId: string): Promise<MemberRow[]>;
  countMembers(convId: string): Promise<number>;
  /** ids of the conversations `userId` is a member of */
  listIdsOfMember(userId: string): Promise<string[]>;
}
