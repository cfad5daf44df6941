/** One queued event for one bot (external-service-api.md §3 "Queue, order and durability"). */
export interface DeliveryItem {
  /** commit order; FIFO per bot follows it */
  readonly seq: number;
  readonly botId: string;
  readonly serviceId: string;
  /** stable across retries and redeliveries: the X-Delivery-Id header */
  readonly deliveryId: string;
  /** the event JSON, serialised once */
  readonly payload: string;
  /** ms */
  readonly createdAt: number;
}

export interface DeliveryRepo {
  /** queues `item` unless its bot already has `maxPending` items pending; false (nothing stored) when full */
  enqueue(item: Omit<DeliveryItem, 'seq'>, maxPending: number): Promise<boolean>;
  countPending(botId: string): Promise<number>;
  /** oldest pending item of a bot */
  head(botId: string): Promise<DeliveryItem | undefined>;
  /** the oldest `limit` pending items of a bot, in order */
  heads(botId: string, limit: number): Promise<DeliveryItem[]>;
  /**
   * Finishes item `seq` of `botId` for the lease holder: removes it and extends the lease to `until`. False, and
   * nothing changed, when `owner` no longer holds the lease (the item is left to the new owner).
   */
  complete(botId: string, seq: number, owner: string, until: number): Promise<boolean>;
  /** discards every pending item of a bot; returns how many */
  discardAll(botId: string): Promise<number>;
  /**
   * Leases up to `limit` bots that have pending items and no live lease (or an expired one) to `owner` until
   * `until` (ms). One owner per bot at a time keeps delivery FIFO per bot across instances.
   */
  claimBots(owner: string, now: number, until: number, limit: number): Promise<string[]>;
  /** extends the lease while the owner still holds it; false when it was lost */
  renewLease(botId: string, owner: string, until: number): Promise<boolean>;
  releaseLease(botId: string, owner: string): Promise<void>;
  totalPending(): Promise<number>;
}
