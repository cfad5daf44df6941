import type { ServiceClient } from '@spp/domain';
import type { Config } from '../config.js';

/** The outbound client for services; replaced by the undici adapter once it lands. */
export const createServiceClient = (_config: Config): ServiceClient => ({
  post: async () => ({ ok: false, cause: 'ConnectionFailure', beforeConnect: true, detail: 'no outbound client configured' }),
  closeService: async () => {},
  close: async () => {},
});
