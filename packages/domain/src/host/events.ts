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
