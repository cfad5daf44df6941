import { Effect } from 'effect';
import { call, transactWith } from '../effect/transact.js';
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
const QUIET = { quiet: true, atomicStatements: true } as const;
/** finishing an item: a conditional lease renewal, then removals; each statement is atomic on its own */
const RELAXED = { atomicStatements: true } as const;
/** health outcomes gathered before one write (the spec lets counters lag up to 5 s) */
const HEALTH_GATHER_MS = 100;
/** items read per query while draining one bot */
const HEAD_BATCH = 32;

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
  private readonly pendingHealth = new Map<string, ((h: ServiceHealth) => ServiceHealth)[]>();
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;

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
    await this.flushHealth();
  }

  /** Waits until no bot is being worked on (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
    await this.flushHealth();
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
        const items = await deps.store.read((tx) => tx.deliveries.heads(botId, HEAD_BATCH));
        if (items.length === 0) {
          await deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET);
          return;
        }
        for (const item of items) {
          if (this.stopped) return;
          // each finished item renews the lease; a lost lease means another instance owns the bot now
          if (!(await Effect.runPromise(this.handle(item)))) {
            await deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET);
            return;
          }
        }
      }
    } catch (e) {
      deps.logger.error({ botId, err: e instanceof Error ? e.message : String(e) }, 'delivery worker fault');
      await deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET).catch(() => undefined);
    }
  }

  /**
   * Health updates are folded per service and written by at most one flush at a time, so deliveries of one service
   * do not all contend for its health row (the spec lets counters lag up to 5 s). Under light load a flush follows
   * each outcome at once; under load the updates that arrive during a flush are written together by the next one.
   */
  private recordHealth(serviceId: string, update: (h: ServiceHealth) => ServiceHealth): void {
    const list = this.pendingHealth.get(serviceId);
    if (list) list.push(update);
    else this.pendingHealth.set(serviceId, [update]);
    // gather the outcomes of a short while into one write; flushHealth() writes at once
    if (!this.flushing && !this.flushScheduled) {
      this.flushScheduled = true;
      // a timer, not the Clock port: a simulation's clock must not wait on bookkeeping; idle() flushes at once
      const timer = setTimeout(() => void this.startFlush(), HEALTH_GATHER_MS);
      timer.unref?.();
    }
  }

  private startFlush(): Promise<void> {
    this.flushScheduled = false;
    if (!this.flushing && this.pendingHealth.size > 0) {
      // cleared when this run ends — never by the run itself, which could finish before it is stored here
      const run = this.flushHealthLoop().finally(() => {
        if (this.flushing === run) this.flushing = undefined;
      });
      this.flushing = run;
    }
    return this.flushing ?? Promise.resolve();
  }

  private async flushHealthLoop(): Promise<void> {
    const { deps, options } = this;
    try {
      while (this.pendingHealth.size > 0) {
        const batch = [...this.pendingHealth];
        this.pendingHealth.clear();
        const after = await deps.store.transaction(async (tx) => {
          const out: [string, ServiceHealth][] = [];
          for (const [serviceId, updates] of batch) {
            const h = await Effect.runPromise(updateHealth(tx, serviceId, (h0) => updates.reduce((h, f) => f(h), h0)));
            out.push([serviceId, h]);
          }
          return out;
          // read-modify-write of counters: serialisable, unlike the lease bookkeeping
        }, { quiet: true });
        for (const [serviceId, h] of after) options.observer?.breaker(serviceId, h.penalised);
      }
    } catch (e) {
      deps.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'health update failed');
    }
  }

  /** Writes every pending health update (tests, shutdown). */
  async flushHealth(): Promise<void> {
    while (this.flushing || this.pendingHealth.size > 0) await (this.flushing ?? this.startFlush());
  }

  /** Records an item's outcome; false when the bot's lease was lost (the item is left to the new owner). */
  private finish(item: DeliveryItem, outcome: FinalOutcome, health: (h: ServiceHealth) => ServiceHealth, seconds?: number) {
    const self = this;
    const { deps, host, options, leaseMs } = this;
    return Effect.gen(function* () {
      const kept = yield* transactWith(deps.store, RELAXED, (tx) =>
        Effect.gen(function* () {
          // an instance that lost the bot's lease (it ran out during a slow call) leaves the item to the new owner
          if (!(yield* call(() => tx.deliveries.renewLease(item.botId, options.owner, deps.clock.now() + leaseMs)))) return false;
          yield* call(() => tx.deliveries.remove(item.seq));
          if (outcome === 'gone') {
            const bot = yield* call(() => tx.bots.get(item.botId));
            // a bot removed meanwhile (its final event was queued) is still gone: nothing more is sent to it
            if (bot && bot.state === 'live') yield* removeBot(host, tx, bot, bot.id, 'orphan');
            else yield* call(() => tx.deliveries.discardAll(item.botId));
          }
          return true;
        }),
      ).pipe(Effect.orDie);
      if (!kept) return false;
      self.recordHealth(item.serviceId, health);
      options.observer?.item(outcome, item.serviceId, seconds);
      return outcome !== 'gone';
    });
  }

  private handle(item: DeliveryItem): Effect.Effect<boolean> {
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
      const t0 = performance.now();
      // every retry re-reads the service: a rotated token, a new URL or keys apply at once; a disabled service stops
      const current = () =>
        deps.store.read(async (tx) => {
          const now = await tx.services.get(item.serviceId);
          return now && now.state === 'enabled' ? endpointOf(now) : undefined;
        });
      const result = yield* self
        .slots(service.id)
        .withPermits(1)(deliver(deps, endpointOf(service), current, `/bots/${item.botId}/messages`, item.payload, item.deliveryId, probe))
        .pipe(Effect.ensuring(Effect.sync(() => probe && self.probing.delete(service.id))));
      if (result === 'disabled') return yield* self.finish(item, 'dropped', drop);
      const seconds = (performance.now() - t0) / 1000;
      const outcome = outcomeOf(result);
      const at = deps.clock.now();
      if (outcome.kind === 'delivered')
        return yield* self.finish(item, 'delivered', (h) => ({ ...onAnswered(h), delivered: h.delivered + 1, lastSuccessAt: at }), seconds);
      if (outcome.kind === 'gone') return yield* self.finish(item, 'gone', (h) => ({ ...onAnswered(h), gone: h.gone + 1 }), seconds);
      if (!result.ok) deps.logger.warn({ serviceId: service.id, botId: item.botId, cause: result.cause, detail: result.detail }, 'delivery failed');
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
