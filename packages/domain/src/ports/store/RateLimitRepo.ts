/** A token bucket as stored: tokens left at `updatedAt` (ms). */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

/** Token buckets shared by all instances (keys are namespaced, e.g. `pw:dev@acme.example`, `reg:203.0.113.7`). */
export interface RateLimitRepo {
  getBucket(key: string): Promise<BucketState | undefined>;
  putBucket(key: string, state: BucketState): Promise<void>;
  deleteBucket(key: string): Promise<void>;
  /** removes buckets last updated before `cutoff` (ms), at most `limit`; returns how many */
  deleteIdleBefore(cutoff: number, limit: number): Promise<number>;
}
