import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';

/**
 * A loop that runs `round` until stopped; between rounds it waits `pause` (deps.clock, so a simulation
 * controls it) or, when given, until `wakeup` fires. A round that throws is logged and retried next time.
 */
export const loopTask = (
  ctx: AppContext,
  name: string,
  round: () => Promise<boolean>,
  pauseMs: number,
  wakeup?: () => Promise<void>,
  onStop?: () => Promise<void>,
): BackgroundTask => {
  let running = false;
  let loop: Promise<void> | undefined;
  let stopNow: () => void = () => {};
  const stopped = () => new Promise<void>((r) => (stopNow = r));
  return {
    name,
    start() {
      if (running) return;
      running = true;
      const stopSignal = stopped();
      loop = (async () => {
        while (running) {
          let more = false;
          try {
            more = await round();
          } catch (e) {
            ctx.logger.error({ task: name, err: e instanceof Error ? e.message : String(e) }, 'background task round failed');
          }
          if (!running) break;
          if (!more) await Promise.race([ctx.deps.clock.sleep(pauseMs), stopSignal, ...(wakeup ? [wakeup()] : [])]);
        }
      })();
    },
    async stop() {
      running = false;
      stopNow();
      await loop;
      await onStop?.();
    },
  };
};
