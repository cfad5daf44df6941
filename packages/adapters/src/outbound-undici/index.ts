export {
  UndiciServiceClient,
  type UndiciServiceClientOptions,
  TLS12_CIPHERS,
  TLS13_CIPHERSUITES,
  classifyError,
  joinPath,
} from './UndiciServiceClient.js';
export { checkPeer, matchesPinnedKey, isSelfSigned, isWithinValidity, sameKeys, toPinnedKeys } from './pinning.js';
export {
  type ServiceAddressPolicy,
  isForbiddenAddress,
  expandIPv6,
  publicOnlyLookup,
} from './addressPolicy.js';
export { OutboundTransportError, isOutboundTransportError } from './errors.js';
