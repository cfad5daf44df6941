/**
 * In-memory tables with all-or-nothing transactions. Units of work run one at a time; a transaction works on
 * copies of the tables it touches and swaps them in on success, so a failure leaves nothing behind.
 * Rows are treated as immutable values: repositories store and return fresh objects, never mutate in place.
 */
export type Table<T = unknown> = Map<string, T>;

export class MemoryTx {
  private readonly copies = new Map<string, Table>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly db: MemoryDb) {}

  table<T>(name: string): Table<T> {
    let t = this.copies.get(name);
    if (!t) {
      t = new Map(this.db.tables.get(name) ?? []);
      this.copies.set(name, t);
    }
    return t as Table<T>;
  }

  /** next value of a named sequence (1, 2, 3…), rolled back with the transaction */
  next(sequence: string): number {
    const n = (this.counters.get(sequence) ?? this.db.sequences.get(sequence) ?? 0) + 1;
    this.counters.set(sequence, n);
    return n;
  }

  commit(): void {
    for (const [name, t] of this.copies) this.db.tables.set(name, t);
    for (const [name, n] of this.counters) this.db.sequences.set(name, n);
  }
}

export class MemoryDb {
  readonly tables = new Map<string, Table>();
  readonly sequences = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  transaction<T>(fn: (tx: MemoryTx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const tx = new MemoryTx(this);
      const out = await fn(tx);
      tx.commit();
      return out;
    });
  }

  read<T>(fn: (tx: MemoryTx) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(new MemoryTx(this)));
  }
}
