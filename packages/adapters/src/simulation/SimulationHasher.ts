import { createHash } from 'node:crypto';
import type { PasswordCheck, PasswordHasher } from '@spp/domain';

/**
 * A cheap, deterministic PasswordHasher for simulations: scrypt costs ~100 ms per hash, which would dominate a
 * property test, and its random salt would break replay. Never use it outside tests.
 */
export class SimulationHasher implements PasswordHasher {
  readonly dummyHash = 'sim$no-account';

  async hash(password: string): Promise<string> {
    return `sim$${createHash('sha256').update(password, 'utf8').digest('hex')}`;
  }

  async verify(password: string, stored: string): Promise<PasswordCheck> {
    return { ok: stored === (await this.hash(password)), needsRehash: false };
  }
}
