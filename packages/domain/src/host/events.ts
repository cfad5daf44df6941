/** `{"id","domain"}` — there is one local domain and no federation. */
export interface QualifiedId {
  readonly id: string;
  readonly domain: string;
}

/**
 * A conversation event exactly as users receive it and as it is forwarded to bots
 * (external-service-api.md §3). `data` is type-specific; `null` for conversation.delete.
 */
export interface ConversationEvent {
  readonly type: string;
  readonly conversation: string;
  readonly qualified_conversation: QualifiedId;
  readonly from: string;
  readonly qualified_from: QualifiedId;
  readonly time: string;
  /** present only for events of team conversations */
  readonly team?: string;
  readonly data: unknown;
}

/** Where an event happened and who caused it: the envelope fields every event shares. */
export interface EventEnvelope {
  /** DOMAIN of qualified ids */
  readonly domain: string;
  readonly conversation: string;
  /** the conversation's team; null for non-team conversations (then `team` is omitted) */
  readonly team: string | null;
  readonly from: string;
  /** ms */
  readonly time: number;
}

export type MemberLeaveReason = 'removed' | 'left' | 'user-deleted';

const qualified = (id: string, domain: string): QualifiedId => ({ id, domain });

const envelope = (type: string, e: EventEnvelope, data: unknown): ConversationEvent => ({
  type,
  conversation: e.conversation,
  qualified_conversation: qualified(e.conversation, e.domain),
  from: e.from,
  qualified_from: qualified(e.from, e.domain),
  time: new Date(e.time).toISOString(),
  ...(e.team !== null ? { team: e.team } : {}),
  data,
});

export const memberJoinEvent = (e: EventEnvelope, users: readonly { readonly id: string; readonly role: string }[]): ConversationEvent =>
  envelope('conversation.member-join', e, {
    users: users.map((u) => ({ qualified_id: qualified(u.id, e.domain), id: u.id, conversation_role: u.role })),
    user_ids: users.map((u) => u.id),
    add_type: 'internal_add',
  });

export const memberLeaveEvent = (e: EventEnvelope, userIds: readonly string[], reason: MemberLeaveReason): ConversationEvent =>
  envelope('conversation.member-leave', e, {
    reason,
    qualified_user_ids: userIds.map((id) => qualified(id, e.domain)),
    user_ids: [...userIds],
  });

export const renameEvent = (e: EventEnvelope, name: string): ConversationEvent => envelope('conversation.rename', e, { name });

/** `accessRole` is the access_role_v2 set; the legacy `access_role` value is derived from it */
export const accessUpdateEvent = (e: EventEnvelope, access: readonly string[], accessRole: readonly string[]): ConversationEvent =>
  envelope('conversation.access-update', e, {
    access: [...access],
    access_role: legacyAccessRole(accessRole),
    access_role_v2: [...accessRole],
  });

export const conversationDeleteEvent = (e: EventEnvelope): ConversationEvent => envelope('conversation.delete', e, null);

export interface OtrMessageData {
  /** the sending client */
  readonly sender: string;
  /** the client this copy is for */
  readonly recipient: string;
  /** base64 ciphertext for `recipient` only */
  readonly text: string;
  /** the sender's shared base64 blob, when supplied */
  readonly data?: string;
}

export const otrMessageAddEvent = (e: EventEnvelope, d: OtrMessageData): ConversationEvent =>
  envelope('conversation.otr-message-add', e, {
    sender: d.sender,
    recipient: d.recipient,
    text: d.text,
    ...(d.data !== undefined ? { data: d.data } : {}),
  });

/** The legacy `access_role` value: the smallest legacy role whose set contains `roles` (external-service-api.md §3). */
export const legacyAccessRole = (roles: readonly string[]): 'private' | 'team' | 'activated' | 'non_activated' => {
  for (const legacy of ['private', 'team', 'activated', 'non_activated'] as const)
    if (roles.every((r) => LEGACY_ACCESS_ROLES[legacy].includes(r))) return legacy;
  return 'non_activated';
};

/** The role set each legacy `access_role` string stands for. */
export const LEGACY_ACCESS_ROLES: Readonly<Record<'private' | 'team' | 'activated' | 'non_activated', readonly string[]>> = {
  private: [],
  team: ['team_member'],
  activated: ['team_member', 'non_team_member', 'service'],
  non_activated: ['team_member', 'non_team_member', 'guest', 'service'],
};
