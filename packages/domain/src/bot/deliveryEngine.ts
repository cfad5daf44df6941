import { Effect } from 'effect';
import { call, transactWith } from '../effect/transact.js';
import type { ConversationHost } from '../ports/ConversationHost.js';
import type { DeliveryItem } from '../ports/store/DeliveryRepo.js';
import type { DeliveryTarget } from '../ports/store/ServiceRepo.js';
import { Slots } from '../shared/Slots.js';
import type { Deps } from '../platform.js';
import { admission, onAnswered, onBroken, recordError } from './breaker.js';
import type { ServiceHealth } from './health.js';
import { updateHealth } from './healthStore.js';
import { MAX_IN_FLIGHT_PER_SERVICE, MAX_ITEM_AGE_MS } from './limits.js';
import { CompletionWriter, type Completion } from './completions.js';
import { deliver, outcomeOf } from './outboundCalls.js';
import { removeBot } from './removeBot.js';

/** lease bookkeeping must not wake the delivery loop that did it */
const QUIET = { quiet: true, atomicStatements: true } as const;
/** the 'gone' outcome: a conditional lease renewal, then the bot's removal */
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
 * per instance, retries as a schedule. Finished items are recorded by group commit (CompletionWriter) and
 * health outcomes are gathered per service, so neither costs a transaction per item.
 */
export class DeliveryEngine {
  private readonly active = new Map<string, Promise<void>>();
  private readonly serviceSlots = new Map<string, Slots>();
  private readonly probing = new Set<string>();
  private readonly leaseMs: number;
  private readonly claimBatch: number;
  private stopped = false;
  private readonly pendingHealth = new Map<string, ((h: ServiceHealth) => ServiceHealth)[]>();
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  private readonly completions: CompletionWriter;

  constructor(
    private readonly deps: Deps,
    private readonly host: ConversationHost,
    private readonly options: DeliveryEngineOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.claimBatch = options.claimBatch ?? 100;
    this.completions = new CompletionWriter(deps.store, deps.clock, options.owner, this.leaseMs, HEAD_BATCH);
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
      // a worker that has just given the lease back may still be finishing: the new lease is drained after it
      const previous = this.active.get(botId);
      const run: Promise<void> = (previous ? previous.then(() => this.drainBot(botId)) : this.drainBot(botId)).finally(() => {
        if (this.active.get(botId) === run) this.active.delete(botId);
      });
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

  private slots(serviceId: string): Slots {
    let s = this.serviceSlots.get(serviceId);
    if (!s) {
      s = new Slots(MAX_IN_FLIGHT_PER_SERVICE);
      this.serviceSlots.set(serviceId, s);
    }
    return s;
  }

  private async drainBot(botId: string): Promise<void> {
    const { deps, options } = this;
    const release = () => deps.store.transaction((tx) => tx.deliveries.releaseLease(botId, options.owner), QUIET);
    try {
      let { items, target } = await deps.store.read(async (tx) => {
        const items = await tx.deliveries.heads(botId, HEAD_BATCH);
        return { items, target: items[0] && (await tx.services.deliveryTarget(items[0].serviceId)) };
      });
      if (items.length === 0) return await release();
      for (;;) {
        for (let i = 0; i < items.length; i++) {
          if (this.stopped) return;
          const last = i === items.length - 1;
          // the last item in hand also fetches the next ones (and gives the lease back when there are none)
          const done = await this.handle(items[i]!, target, last);
          // a lost lease leaves the rest to the new owner; a gone bot is removed
          if (!done) return await release();
          target = done.target;
          if (last) {
            if (!done.next || done.next.length === 0) return;
            items = done.next;
            break;
          }
        }
      }
    } catch (e) {
      deps.logger.error({ botId, err: e instanceof Error ? e.message : String(e) }, 'delivery worker fault');
      await release().catch(() => undefined);
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

  /** Records an item's outcome; undefined when the worker must stop (lease lost, or the bot is gone). */
  private async finish(
    item: DeliveryItem,
    outcome: FinalOutcome,
    health: (h: ServiceHealth) => ServiceHealth,
    wantNext: boolean,
    seconds?: number,
  ): Promise<Completion | undefined> {
    const { deps, host, options, leaseMs } = this;
    if (outcome === 'gone') {
      const kept = await Effect.runPromise(
        transactWith(deps.store, RELAXED, (tx) =>
          Effect.gen(function* () {
            // an instance that lost the bot's lease (it ran out during a slow call) leaves the item to the new owner
            if (!(yield* call(() => tx.deliveries.complete(item.botId, item.seq, options.owner, deps.clock.now() + leaseMs)))) return false;
            const bot = yield* call(() => tx.bots.get(item.botId));
            // a bot removed meanwhile (its final event was queued) is still gone: nothing more is sent to it
            if (bot && bot.state === 'live') yield* removeBot(host, tx, bot, bot.id, 'orphan');
            else yield* call(() => tx.deliveries.discardAll(item.botId));
            return true;
          }),
        ).pipe(Effect.orDie),
      );
      if (kept) this.recorded(item, outcome, health, seconds);
      return undefined;
    }
    const done = await this.completions.complete(item, wantNext);
    if (!done.kept) return undefined;
    this.recorded(item, outcome, health, seconds);
    return done;
  }

  private recorded(item: DeliveryItem, outcome: FinalOutcome, health: (h: ServiceHealth) => ServiceHealth, seconds?: number) {
    this.recordHealth(item.serviceId, health);
    this.options.observer?.item(outcome, item.serviceId, seconds);
  }

  /** Sends one item (or drops it) and records the outcome. */
  private async handle(item: DeliveryItem, target: DeliveryTarget | undefined, wantNext: boolean): Promise<Completion | undefined> {
    const { deps } = this;
    const now = deps.clock.now();
    const drop = (h: ServiceHealth) => ({ ...h, dropped: h.dropped + 1 });
    if (!target || target.state !== 'enabled' || now - item.createdAt > MAX_ITEM_AGE_MS) return this.finish(item, 'dropped', drop, wantNext);
    const serviceId = item.serviceId;
    let mode = target.health ? admission(target.health, now) : 'send';
    if (mode === 'probe' && this.probing.has(serviceId)) mode = 'drop';
    if (mode === 'drop') return this.finish(item, 'dropped', drop, wantNext);
    const probe = mode === 'probe';
    if (probe) this.probing.add(serviceId);
    const t0 = performance.now();
    // every retry re-reads the service: a rotated token, a new URL or keys apply at once; a disabled service stops
    const current = () =>
      deps.store.read(async (tx) => {
        const now = await tx.services.deliveryTarget(serviceId);
        return now && now.state === 'enabled' ? now.endpoint : undefined;
      });
    const free = await this.slots(serviceId).acquire();
    let result;
    try {
      result = await deliver(deps, target.endpoint, current, `/bots/${item.botId}/messages`, item.payload, item.deliveryId, probe);
    } finally {
      free();
      if (probe) this.probing.delete(serviceId);
    }
    if (result === 'disabled') return this.finish(item, 'dropped', drop, wantNext);
    const seconds = (performance.now() - t0) / 1000;
    const outcome = outcomeOf(result);
    const at = deps.clock.now();
    if (outcome.kind === 'delivered')
      return this.finish(item, 'delivered', (h) => ({ ...onAnswered(h), delivered: h.delivered + 1, lastSuccessAt: at }), wantNext, seconds);
    if (outcome.kind === 'gone') return this.finish(item, 'gone', (h) => ({ ...onAnswered(h), gone: h.gone + 1 }), wantNext, seconds);
    if (!result.ok) deps.logger.warn({ serviceId, botId: item.botId, cause: result.cause, detail: result.detail }, 'delivery failed');
    return this.finish(
      item,
      'failed',
      (h) => {
        const b = outcome.broken ? onBroken(h, probe ? 'probe' : 'delivery', at) : onAnswered(h);
        return recordError({ ...b, failed: h.failed + 1 }, outcome.cause, at);
      },
      wantNext,
      seconds,
    );
  }
}
