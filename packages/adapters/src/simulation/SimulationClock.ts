import { FakeClock } from '../clock/FakeClock.js';

/**
 * A FakeClock that knows who is waiting on it, so a simulation can tell "blocked on time" from "still working"
 * and jump straight to the next deadline instead of guessing how far to advance.
 */
export class SimulationClock extends FakeClock {
  private readonly deadlines: number[] = [];
  private sleeps = 0;

  override sleep(ms: number): Promise<void> {
    const until = this.now() + Math.max(0, ms);
    this.deadlines.push(until);
    this.sleeps++;
    return super.sleep(ms).finally(() => {
      const i = this.deadlines.indexOf(until);
      if (i >= 0) this.deadlines.splice(i, 1);
    });
  }

  /** number of pending sleeps (hanging calls, retry spacing, slow answers) */
  get sleeping(): number {
    return this.deadlines.length;
  }

  /** sleeps ever started: part of the simulation's progress signal */
  get sleepsStarted(): number {
    return this.sleeps;
  }

  /** the earliest pending deadline (ms), if anything sleeps */
  nextWake(): number | undefined {
    return this.deadlines.length === 0 ? undefined : Math.min(...this.deadlines);
  }

  /** Moves time to the earliest pending deadline; false when nothing sleeps. */
  advanceToNextWake(): boolean {
    const at = this.nextWake();
    if (at === undefined) return false;
    this.set(Math.max(at, this.now()));
    return true;
  }
}
