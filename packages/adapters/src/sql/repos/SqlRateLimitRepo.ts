import type { BucketState, RateLimitRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

export class SqlRateLimitRepo implements RateLimitRepo {
  constructor(private readonly db: SqlExecutor) {}
  async getBucket(key: string): Promise<BucketState | undefined> {
    const r = await this.db.get<{ tokens: number; updated_at: number }>('SELECT tokens, updated_at FROM rate_buckets WHERE key = ?', [key]);
    return r ? { tokens: Number(r.tokens), updatedAt: Number(r.updated_at) } : undefined;
  }
  async putBucket(key: string, state: BucketState): Promise<void> {
    await this.db.run(
      'INSERT INTO rate_buckets (key, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at',
      [key, state.tokens, state.updatedAt],
    );
  }
  async deleteBucket(key: string): Promise<void> {
    await this.db.run('DELETE FROM rate_buckets WHERE key = ?', [key]);
  }
  async deleteIdleBefore(cutoff: number, limit: number): Promise<number> {
    return this.db.run(
      'DELETE FROM rate_buckets WHERE key IN (SELECT key FROM rate_buckets WHERE updated_at < ? ORDER BY updated_at LIMIT ?)',
      [cutoff, limit],
    );
  }
}
