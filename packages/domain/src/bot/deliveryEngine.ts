import { Effect } from 'effect';
import { call, transact } from '../effect/transact.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { DeliveryItem } from '../ports/store/DeliveryRepo.js';
import type { Deps } from '../platform.js';
import { admission, onAnswered, onBroken, recordError } from './breaker.js';
import { endpointOf } from './endpoint.js';
import type { ServiceHealth } from './health.js';
import { updateHealth } from './healthStore.js';
import { MAX_IN_FLIGHT_PER_SERVICE, MAX_ITEM_AGE_MS } from './limits.js';
import { deliver, outcomeOf } from './outboundCalls.js';
import { removeBot } from './removeBot.js';

/** lease bookkeeping must not wake the delivery loop that did it */
const QUIET = { quiet: true } as const;

export type FinalOutcome = 'delivered' | 'failed' | 'gone' | 'dropped';

/** What the engine reports per finished item (the app turns it into metrics). */
export interface DeliveryObserver {
  item(outcome: FinalOutcome, serviceId: string, seconds: number | undefined): void;
  breaker(serviceId: string, open: boolean): void;
}

export interface DeliveryEngineOptions {
  /** this instance's name in leases */
  readonly owner: string;
  readonly leaseMs?: number;
  /** bots claimed per pass */
  readonly claimBatch?: number;
  readonly observer?: DeliveryObserver;
}

/**
 * Delivers queued events (external-service-api.md §3): one item at a time per bot in commit order (a lease in
 * the store makes one instance the bot's only sender), bots in parallel, at most 16 requests in flight per service
 * per instance, retries as a schedule, outcomes and breaker state written back in one transaction per item.
 */
export class DeliveryEngine {
  private readonly active = new Map<string, Promise<void>>();
  private readonly serviceSlots = new Map<string, Effect.Semaphore>();
  private readonly probing = new Set<string>();
  private readonly leaseMs: number;
  private readonly claimBatch: number;
  private stopped = false;

  constructor(
    private readonly deps: Deps,
    private readonly host: ConversationHost,
    private readonly options: DeliveryEngineOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.claimBatch = options.claimBatch ?? 100;
  }

  /** number of bots being worked on by this instance */
  get busy(): number {
    return this.active.size;
  }

  /** Claims bots with pending items and starts a worker for each; returns how many it started. */
  async pump(): Promise<number> {
    if (this.stopped) return 0;
    const now = this.deps.clock.now();
    const claimed = await this.deps.store.transaction(
      (tx) => tx.deliveries.claimBots(this.options.owner, now, now + this.leaseMs, this.claimBatch),
      QUIET,
    );
    let started = 0;
    for (const botId of claimed) {
      if (this.active.has(botId)) continue;
      const run = this.drainBot(botId).finally(() => this.active.delete(botId));
      this.active.set(botId, run);
      started++;
    }
    return started;
  }

  /** Stops claiming and waits for the items in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.active.values()]);
  }

  /** Waits until no bot is being worked on (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  private slots(serviceId: string): Effect.Semaphore {
    let s = this.serviceSlots.get(serviceId);
    if (!s) {
      s = Effect.unsafeMakeSemaphore(MAX_IN_FLIGHT_PER_SERVICE);
      this.serviceSlots.set(serviceId, s);
    }
    return s;
  }

  private async drainBot(botId: string): Promise<void> {
    const { deps, options } = this;
    try {
      for (;;) {
        if (this.stopped) return;
        const item = await deps.store.read((tx) => tx.deliveries.head(botId));
        if (!item) {
          await deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET);
          return;
        }
        await Effect.runPromise(this.handle(item));
        const kept = await deps.store.transaction(
          (tx) => tx.deliveries.renewLease(botId, options.owner, deps.clock.now() + this.leaseMs),
          QUIET,
        );
        if (!kept) return;
      }
    } catch (e) {
      deps.logger.error({ botId, err: e instanceof Error ? e.message : String(e) }, 'delivery worker fault');
      await deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET).catch(() => undefined);
    }
  }

  private finish(item: DeliveryItem, outcome: FinalOutcome, health: (h: ServiceHealth) => ServiceHealth, seconds?: number) {
    const { deps, host, options, leaseMs } = this;
    return Effect.gen(function* () {
      const next = yield* transact(deps.store, (tx) =>
        Effect.gen(function* () {
          // an instance that lost the bot's lease (it ran out during a slow call) leaves the item to the new owner
          if (!(yield* call(() => tx.deliveries.renewLease(item.botId, options.owner, deps.clock.now() + leaseMs)))) return undefined;
          yield* call(() => tx.deliveries.remove(item.seq));
          const h = yield* updateHealth(tx, item.serviceId, health);
          if (outcome === 'gone') {
            const bot = yield* call(() => tx.bots.get(item.botId));
            if (bot) yield* removeBot(host, tx, bot, bot.id, 'orphan');
            else yield* call(() => tx.deliveries.discardAll(item.botId));
          }
          return h;
        }),
      ).pipe(Effect.orDie);
      if (!next) return;
      options.observer?.item(outcome, item.serviceId, seconds);
      options.observer?.breaker(item.serviceId, next.penalised);
    });
  }

  private handle(item: DeliveryItem): Effect.Effect<void> {
    const self = this;
    const { deps } = this;
    return Effect.gen(function* () {
      const now = deps.clock.now();
      const { service, health } = yield* Effect.promise(() =>
        deps.store.read(async (tx) => ({
          service: await tx.services.get(item.serviceId),
          health: await tx.services.getHealth(item.serviceId),
        })),
      );
      const drop = (h: ServiceHealth) => ({ ...h, dropped: h.dropped + 1 });
      if (!service || service.state !== 'enabled' || now - item.createdAt > MAX_ITEM_AGE_MS)
        return yield* self.finish(item, 'dropped', drop);
      let mode = health ? admission(health, now) : 'send';
      if (mode === 'probe' && self.probing.has(service.id)) mode = 'drop';
      if (mode === 'drop') return yield* self.finish(item, 'dropped', drop);
      const probe = mode === 'probe';
      if (probe) self.probing.add(service.id);
      const started = deps.clock.now();
      const t0 = performance.now();
      const result = yield* self
        .slots(service.id)
        .withPermits(1)(deliver(deps, endpointOf(service), `/bots/${item.botId}/messages`, item.payload, item.deliveryId, probe))
        .pipe(Effect.ensuring(Effect.sync(() => probe && self.probing.delete(service.id))));
      const seconds = (performance.now() - t0) / 1000;
      const outcome = outcomeOf(result);
      const at = deps.clock.now();
      if (outcome.kind === 'delivered')
        return yield* self.finish(item, 'delivered', (h) => ({ ...onAnswered(h), delivered: h.delivered + 1, lastSuccessAt: at }), seconds);
      if (outcome.kind === 'gone') return yield* self.finish(item, 'gone', (h) => ({ ...onAnswered(h), gone: h.gone + 1 }), seconds);
      if (!result.ok) deps.logger.warn({ serviceId: service.id, botId: item.botId, cause: result.cause, detail: result.detail }, 'delivery failed');
      void started;
      return yield* self.finish(
        item,
        'failed',
        (h) => {
          const b = outcome.broken ? onBroken(h, probe ? 'probe' : 'delivery', at) : onAnswered(h);
          return recordError({ ...b, failed: h.failed + 1 }, outcome.cause, at);
        },
        seconds,
      );
    });
  }
}
