import { randomBytes, randomUUID } from 'node:crypto';
import type { Random } from '@spp/domain';

export class NodeRandom implements Random {
  bytes(n: number): Uint8Array {
    return new Uint8Array(randomBytes(n));
  }
  uuidV4(): string {
    return randomUUID();
  }
}
