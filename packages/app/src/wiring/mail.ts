import { OutboxMailTransport, SmtpMailTransport } from '@spp/adapters';
import type { Clock, Deps, Logger, MailTransport } from '@spp/domain';
import type { Config } from '../config.js';

/** SMTP when SMTP_URL is set; otherwise the development outbox (DATA_DIR/outbox, link logged). */
export const createMailTransport = (config: Config, logger: Logger, clock: Clock): MailTransport =>
  config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new OutboxMailTransport(config.outboxDir, logger, clock, config.domain);

/**
 * Lets a request that queued a mail wake the mail worker at once instead of waiting for its next poll.
 * One signal per running app, keyed by its Deps object (routes and workers share it).
 */
export interface MailSignal {
  wake(): void;
  /** resolves at the next wake(), or at once when a wake() came since the last call (no lost wake-ups) */
  next(): Promise<void>;
}

const signals = new WeakMap<Deps, MailSignal>();

export const mailSignal = (deps: Deps): MailSignal => {
  let s = signals.get(deps);
  if (!s) {
    let woken = false;
    let release: (() => void) | undefined;
    s = {
      wake: () => {
        woken = true;
        release?.();
        release = undefined;
      },
      next: () => {
        if (woken) {
          woken = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          release = () => {
            woken = false;
            resolve();
          };
        });
      },
    };
    signals.set(deps, s);
  }
  return s;
};
