import { UndiciServiceClient } from '@spp/adapters';
import type { Logger, ServiceClient } from '@spp/domain';
import type { Config } from '../config.js';

/** The outbound client for services: undici with TLS 1.2 (1.3 when configured) and public-key pinning. */
export const createServiceClient = (config: Config, logger?: Logger): ServiceClient =>
  new UndiciServiceClient({ tls13: config.outboundTls13, serviceAddresses: config.serviceAddresses, ...(logger ? { logger } : {}) });
