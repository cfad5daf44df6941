import type { DeliveryEngine } from '@spp/domain';
import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';

/**
 * The delivery worker: wakes on every commit of this instance and polls for other instances' commits,
 * then lets the engine claim bots with pending items.
 */
export const deliveryTask = (ctx: AppContext, engine: DeliveryEngine, pollMs = 250, minGapMs = 5): BackgroundTask => {
  let running = false;
  let dirty = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const nudge = () => {
    dirty = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    name: 'deliveries',
    start() {
      running = true;
      unsubscribe = ctx.deps.store.onCommit(nudge);
      loop = (async () => {
        while (running) {
          dirty = false;
          try {
            await engine.pump();
          } catch (e) {
            ctx.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'delivery pump failed');
          }
          if (!running) break;
          // every commit nudges the loop, the engine's own included: a short gap keeps claim queries from spinning
          await new Promise((r) => setTimeout(r, minGapMs));
          if (dirty) continue;
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, pollMs).unref();
          });
        }
      })();
    },
    async stop() {
      running = false;
      unsubscribe?.();
      nudge();
      await loop;
      await engine.stop();
    },
  };
};

export const botTasks = (ctx: AppContext): BackgroundTask[] => [deliveryTask(ctx, ctx.deliveries)];
