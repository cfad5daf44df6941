import type { Clock } from '../ports/Clock.js';
import type { DeliveryItem } from '../ports/store/DeliveryRepo.js';
import type { DeliveryTarget } from '../ports/store/ServiceRepo.js';
import type { Store } from '../ports/store/Store.js';

/** finishing items: a conditional lease renewal, a removal, reads; each statement is atomic on its own */
const RELAXED = { atomicStatements: true } as const;

/** What recording a finished item tells its bot's worker. */
export interface Completion {
  /** false when the bot's lease was lost: the item and the rest of the queue are left to the new owner */
  readonly kept: boolean;
  /** the service as it is once the item is recorded: what the next item is sent by */
  readonly target: DeliveryTarget | undefined;
  /** when asked for: the bot's next items; empty means the queue was empty and the lease was given back */
  readonly next: DeliveryItem[] | undefined;
}

const afterIo: (f: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (f) => void globalThis.setImmediate(f) : (f) => void setTimeout(f, 0);

interface Request {
  readonly item: DeliveryItem;
  readonly wantNext: boolean;
  readonly resolve: (c: Completion) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit of finished delivery items. One transaction at a time records the items that finished since the
 * last one began, and in the same transaction reads what their workers need next (the service's delivery target,
 * once per service, and when asked the bot's next items), so a delivered item costs no read of its own.
 */
export class CompletionWriter {
  private readonly queue: Request[] = [];
  private writing = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly headBatch: number,
  ) {}

  complete(item: DeliveryItem, wantNext: boolean): Promise<Completion> {
    return new Promise<Completion>((resolve, reject) => {
      this.queue.push({ item, wantNext, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // after the I/O callbacks of this turn of the event loop: the answers that arrived together are written
        // together (an embedded store's transaction would otherwise finish before the next answer is read)
        afterIo(() => void this.write());
      }
    });
  }

  private async write(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        const out = await this.store.transaction(async (tx) => {
          const until = this.clock.now() + this.leaseMs;
          const targets = new Map<string, DeliveryTarget | undefined>();
          const results: Completion[] = [];
          for (const { item, wantNext } of batch) {
            if (!(await tx.deliveries.complete(item.botId, item.seq, this.owner, until))) {
              results.push({ kept: false, target: undefined, next: undefined });
              continue;
            }
            const next = wantNext ? await tx.deliveries.heads(item.botId, this.headBatch) : undefined;
            if (next?.length === 0) await tx.deliveries.releaseLease(item.botId, this.owner);
            let target: DeliveryTarget | undefined;
            if (next?.length !== 0) {
              if (!targets.has(item.serviceId)) targets.set(item.serviceId, await tx.services.deliveryTarget(item.serviceId));
              target = targets.get(item.serviceId);
            }
            results.push({ kept: true, target, next });
          }
          return results;
        }, RELAXED);
        batch.forEach((r, i) => r.resolve(out[i]!));
      } catch (e) {
        for (const r of batch) r.reject(e);
      }
    }
    this.writing = false;
  }
}
