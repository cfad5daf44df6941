import { Effect, Exit } from 'effect';
import type { DomainError } from '../errors/DomainError.js';
import type { Store, Tx, TxOptions } from '../ports/store/Store.js';

class Rollback {
  constructor(readonly exit: Exit.Exit<unknown, DomainError>) {}
}

const run = <A>(
  useTx: (fn: (tx: Tx) => Promise<A>) => Promise<A>,
  body: (tx: Tx) => Effect.Effect<A, DomainError>,
): Effect.Effect<A, DomainError> =>
  Effect.flatten(
    Effect.promise(async (): Promise<Effect.Effect<A, DomainError>> => {
      try {
        const value = await useTx(async (tx) => {
          const exit = await Effect.runPromiseExit(body(tx));
          if (Exit.isSuccess(exit)) return exit.value;
          // throwing makes the store roll back; the typed failure is re-raised below
          throw new Rollback(exit);
        });
        return Effect.succeed(value);
      } catch (e) {
        if (e instanceof Rollback) return e.exit as Exit.Exit<A, DomainError>;
        throw e;
      }
    }),
  );

/** Runs an Effect inside one store transaction; a typed failure rolls the transaction back and is re-raised. */
export const transact = <A>(store: Store, body: (tx: Tx) => Effect.Effect<A, DomainError>) =>
  run<A>((fn) => store.transaction(fn), body);

/** `transact` with store options (quiet, atomicStatements). */
export const transactWith = <A>(store: Store, options: TxOptions, body: (tx: Tx) => Effect.Effect<A, DomainError>) =>
  run<A>((fn) => store.transaction(fn, options), body);

/** Same for read-only work. */
export const readOnly = <A>(store: Store, body: (tx: Tx) => Effect.Effect<A, DomainError>) =>
  run<A>((fn) => store.read(fn), body);

/** Lifts a port call (a Promise) into Effect; a rejection is a defect (a bug or an outage), not a typed error. */
export const call = <A>(thunk: () => Promise<A>): Effect.Effect<A> => Effect.promise(thunk);
