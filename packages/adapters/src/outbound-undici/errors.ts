import type { TransportCause } from '@spp/domain';

/**
 * An error raised by our own connect-time checks (pinning, address policy). It travels through undici unchanged
 * (undici fails the queued requests with the connector's error object), so the client can map it back to its cause.
 */
export class OutboundTransportError extends Error {
  override readonly name = 'OutboundTransportError';
  constructor(
    readonly transportCause: TransportCause,
    message: string,
  ) {
    super(message);
  }
}

export function isOutboundTransportError(err: unknown): err is OutboundTransportError {
  return err instanceof OutboundTransportError;
}
