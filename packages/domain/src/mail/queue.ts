import { Effect } from 'effect';
import { call } from '../effect/transact.js';
import type { Mail } from '../ports/MailTransport.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';

/**
 * Puts a rendered mail into the durable queue inside the caller's transaction, so the mail exists exactly
 * when the change that causes it is committed. A background worker sends it later.
 */
export const queueMail = (deps: Deps, tx: Tx, mail: Mail): Effect.Effect<string> =>
  Effect.gen(function* () {
    const id = deps.random.uuidV4();
    const now = deps.clock.now();
    yield* call(() =>
      tx.mails.enqueue({
        id,
        purpose: mail.headers['X-Zeta-Purpose'] ?? 'unknown',
        mail,
        createdAt: now,
        nextAttemptAt: now,
        attempts: 0,
        status: 'pending',
        lastError: null,
      }),
    );
    return id;
  });
