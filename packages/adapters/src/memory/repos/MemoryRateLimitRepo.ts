import type { BucketState, RateLimitRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryRateLimitRepo implements RateLimitRepo {
  constructor(private readonly t: MemoryTx) {}
  private get buckets() {
    return this.t.table<BucketState>('rate_buckets');
  }
  async getBucket(key: string) {
    return this.buckets.get(key);
  }
  async putBucket(key: string, state: BucketState) {
    this.buckets.set(key, { ...state });
  }
  async deleteBucket(key: string) {
    this.buckets.delete(key);
  }
  async deleteIdleBefore(cutoff: number, limit: number) {
    let n = 0;
    for (const [key, b] of [...this.buckets]) {
      if (n >= limit) break;
      if (b.updatedAt < cutoff) {
        this.buckets.delete(key);
        n++;
      }
    }
    return n;
  }
}
