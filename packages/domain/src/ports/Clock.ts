/** Wall-clock time in Unix milliseconds. A port so simulations can move time at will. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time (a fake clock resolves when advanced). */
  sleep(ms: number): Promise<void>;
}
