/**
 * Outbound HTTP towards services (external-service-api.md). The adapter owns TLS, pinning, pooling and
 * deadlines; the domain only sees answers and named failure causes.
 */

/** Causes of a failed call, exactly as the spec names them (they appear in 502 messages and health.last_error). */
export type TransportCause =
  | 'PinMissingCert'
  | 'PinInvalidPubKey'
  | 'PinFingerprintMismatch'
  | 'PinInvalidCert'
  | 'TlsHandshakeFailed'
  | 'ConnectionFailure'
  | 'ForbiddenAddress'
  | 'timeout';

/** What the platform knows about where and how to reach one service. */
export interface ServiceEndpoint {
  readonly serviceId: string;
  /** absolute https URL without query/fragment; paths are joined with exactly one '/' */
  readonly baseUrl: string;
  /** canonical DER SubjectPublicKeyInfo of each registered key (1..2) */
  readonly pinnedKeys: readonly Uint8Array[];
  /** the first auth token of the service, sent as `Authorization: Bearer` */
  readonly authToken: string;
}

export interface OutboundRequest {
  /** path below base_url, e.g. "/bots" or "/bots/<id>/messages" */
  readonly path: string;
  /** JSON body, already serialised */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** whole-call deadline in ms (connect, TLS, request, response) */
  readonly deadlineMs: number;
  /** bodies longer than this are reported as `tooLarge: true` and not returned */
  readonly maxResponseBytes: number;
}

export type OutboundResult =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly tooLarge: boolean }
  | {
      readonly ok: false;
      readonly cause: TransportCause;
      /** true when no connection was ever established, so no request byte was sent (safe to retry POST /bots) */
      readonly beforeConnect: boolean;
      /** detail for logs only, never for clients */
      readonly detail: string;
    };

export interface ServiceClient {
  /** One attempt; never throws for network problems (they are results). */
  post(endpoint: ServiceEndpoint, request: OutboundRequest): Promise<OutboundResult>;
  /** Close pooled connections of a service (its base URL or keys changed, it was disabled or deleted). */
  closeService(serviceId: string): Promise<void>;
  close(): Promise<void>;
}
