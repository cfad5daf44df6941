import type { ServiceEndpoint } from '../ports/ServiceClient.js';
import type { ServiceRecord } from '../service/model.js';

/** What the outbound client needs to reach a service: keys stay DER, so pinning never re-parses them. */
export const endpointOf = (s: ServiceRecord): ServiceEndpoint => ({
  serviceId: s.id,
  baseUrl: s.baseUrl,
  pinnedKeys: s.keys.map((k) => k.der),
  authToken: s.authTokens[0] ?? '',
});
