import type { Clock } from '@spp/domain';

/** A clock that only moves when told to; sleepers wake when time passes their deadline. */
export class FakeClock implements Clock {
  private sleepers: { until: number; wake: () => void }[] = [];

  constructor(private current = Date.UTC(2026, 0, 31, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ until: this.current + Math.max(0, ms), wake });
      if (ms <= 0) this.advance(0);
    });
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.until <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.until > this.current);
    for (const s of due) s.wake();
  }

  set(ms: number): void {
    this.advance(Math.max(0, ms - this.current));
  }
}
