/**
 * A counting semaphore for plain async code: at most `size` holders at once, waiters served in arrival order.
 * The delivery engine takes one per request on its hot path, where an Effect fiber per item cost more than the
 * bookkeeping it guards.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** resolves with the release function once a slot is held; releasing twice is harmless */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // a waiter takes the slot over directly, so a newcomer cannot overtake it
      if (next) next();
      else this.free++;
    };
  }
}
