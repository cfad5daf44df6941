import type { Clock } from './ports/Clock.js';
import type { Logger } from './ports/Logger.js';
import type { PasswordHasher } from './ports/PasswordHasher.js';
import type { PrekeyValidator } from './ports/PrekeyValidator.js';
import type { PublicKeyInspector } from './ports/PublicKeyInspector.js';
import type { Random } from './ports/Random.js';
import type { ServiceClient } from './ports/ServiceClient.js';
import type { Store } from './ports/store/Store.js';
import type { TokenSigner } from './ports/TokenSigner.js';

/** Deployment choices the use cases obey (README "Configuration"). */
export interface Policy {
  readonly providerApproval: 'staff' | 'auto';
  readonly approvalEmail: string;
  /** base of every link in mails, without trailing slash */
  readonly publicUrl: string;
  /** domain of qualified ids */
  readonly domain: string;
  readonly mailFrom: string;
  /** seconds */
  readonly providerTokenTtl: number;
  /** seconds */
  readonly userTokenTtl: number;
  readonly rateLimits: boolean;
}

/** Every port a use case may need. Built once by the composition root (or a simulation harness). */
export interface Deps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: PasswordHasher;
  readonly signer: TokenSigner;
  readonly logger: Logger;
  readonly policy: Policy;
  readonly serviceClient: ServiceClient;
  /** parses services' public keys (services.md §3) */
  readonly keyInspector: PublicKeyInspector;
  /** decodes Proteus prekey bundles (host.md §2) */
  readonly prekeyValidator: PrekeyValidator;
}
