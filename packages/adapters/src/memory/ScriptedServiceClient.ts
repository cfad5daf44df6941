import type { Clock, OutboundRequest, OutboundResult, ServiceClient, ServiceEndpoint, TransportCause } from '@spp/domain';
import { fixedPrekeys, type ScriptedPrekeyGenerator, type ScriptedPrekeySet } from './scriptedPrekeys.js';

/**
 * An in-memory ServiceClient for simulations and embedders' tests: no network. Each registered service answers from
 * a script (external-service-api.md §2, §3), every request is logged, and time passes only through the Clock port,
 * so a FakeClock drives hangs, slow answers and deadlines.
 */

/** Extra fields of a 201 NewBotResponse. */
export interface ScriptedCreatedOptions {
  readonly name?: string;
  readonly accent_id?: number;
  readonly assets?: readonly unknown[];
  /** overrides the script's and the client's generator */
  readonly prekeys?: ScriptedPrekeyGenerator;
  /** ordinary prekeys (ids 1..n), default the script's `prekeyCount` (2) */
  readonly prekeyCount?: number;
  /** status to send with the valid body, default 201 (e.g. 200 to test "valid body, wrong status") */
  readonly status?: number;
  /** rewrites the body before it is serialised (malformed prekeys, missing fields…); a string is sent verbatim */
  readonly transform?: (response: ScriptedNewBotResponse) => unknown;
}

export interface ScriptedNewBotResponse extends ScriptedPrekeySet {
  readonly name?: string;
  readonly accent_id?: number;
  readonly assets?: readonly unknown[];
}

export type ScriptedAnswer =
  /** what an unscripted path answers: 201 NewBotResponse for /bots, 200 for deliveries, 404 elsewhere */
  | { readonly kind: 'default' }
  | { readonly kind: 'created'; readonly options: ScriptedCreatedOptions }
  | { readonly kind: 'status'; readonly status: number; readonly body: string }
  /** the service never answers: the call ends with `timeout` when `deadlineMs` has passed on the clock */
  | { readonly kind: 'hang' }
  /** `then` arrives after `ms`, or `timeout` at the deadline when `ms` ≥ `deadlineMs` */
  | { readonly kind: 'slow'; readonly ms: number; readonly then: ScriptedAnswer }
  | { readonly kind: 'fail'; readonly cause: TransportCause; readonly beforeConnect: boolean; readonly detail: string };

/** An answer, or a function of the request choosing one (it may keep state: see `scripted.sequence`). */
export type ScriptedBehaviour = ScriptedAnswer | ((call: ScriptedCall) => ScriptedAnswer | Promise<ScriptedAnswer>);

/** Answers for one service. Deliveries pick the first of `byBot[bot]`, `byEventType[type]`, `messages`. */
export interface ServiceScript {
  /** `POST /bots`; default `scripted.created()` */
  readonly bots?: ScriptedBehaviour;
  /** `POST /bots/{bot}/messages`; default `scripted.ok()` */
  readonly messages?: ScriptedBehaviour;
  readonly byEventType?: Readonly<Record<string, ScriptedBehaviour>>;
  readonly byBot?: Readonly<Record<string, ScriptedBehaviour>>;
  /** any other path; default 404 */
  readonly other?: ScriptedBehaviour;
  /**
   * Key-checked service: the canonical DER SPKI the service "presents". Calls whose endpoint pins none equal to it
   * fail with `PinFingerprintMismatch` before anything is sent, like the real client (checked on every call: there
   * are no pooled connections here).
   */
  readonly presentedKey?: Uint8Array;
  /** prekeys for this service's NewBotResponses; default the client's */
  readonly prekeys?: ScriptedPrekeyGenerator;
  /** ordinary prekeys per NewBotResponse, default 2 */
  readonly prekeyCount?: number;
}

export type ScriptedPathKind = 'bots' | 'messages' | 'other';

/** One `post`, as the fake service saw it (or would have, when `reached` is false). */
export interface ScriptedCall {
  /** 1, 2, … in call order */
  readonly seq: number;
  readonly serviceId: string;
  readonly baseUrl: string;
  /** base URL joined with the path by exactly one '/' */
  readonly url: string;
  readonly path: string;
  readonly kind: ScriptedPathKind;
  /** the `{bot}` of a delivery path */
  readonly botId: string | undefined;
  readonly body: string;
  /** the parsed body, undefined when it is not JSON */
  readonly json: unknown;
  /** `type` of a delivered event */
  readonly eventType: string | undefined;
  /** lowercase names, as the real client sends them (authorization, content-type, content-length, x-delivery-id…) */
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveryId: string | undefined;
  /** the bearer token sent */
  readonly bearer: string;
  readonly pinnedKeys: readonly Uint8Array[];
  readonly deadlineMs: number;
  readonly maxResponseBytes: number;
  /** clock time of the call */
  readonly at: number;
  /** false when nothing reached the service: unknown service, closed client, pin or pre-connect failure */
  readonly reached: boolean;
  /** undefined while in flight */
  readonly result: OutboundResult | undefined;
  readonly answeredAt: number | undefined;
}

export interface ScriptedDelivery {
  readonly seq: number;
  readonly serviceId: string;
  readonly deliveryId: string | undefined;
  readonly type: string | undefined;
  /** the parsed event */
  readonly event: unknown;
  readonly at: number;
  readonly result: OutboundResult | undefined;
}

export interface ScriptedServiceClientOptions {
  readonly clock: Clock;
  /** default `fixedPrekeys()` */
  readonly prekeys?: ScriptedPrekeyGenerator;
}

/** Builders for script answers. */
export const scripted = {
  default: (): ScriptedAnswer => ({ kind: 'default' }),
  created: (options: ScriptedCreatedOptions = {}): ScriptedAnswer => ({ kind: 'created', options }),
  status: (status: number, body = ''): ScriptedAnswer => ({ kind: 'status', status, body }),
  json: (status: number, value: unknown): ScriptedAnswer => ({ kind: 'status', status, body: JSON.stringify(value) }),
  ok: (body = ''): ScriptedAnswer => ({ kind: 'status', status: 200, body }),
  conflict: (): ScriptedAnswer => ({ kind: 'status', status: 409, body: '' }),
  gone: (): ScriptedAnswer => ({ kind: 'status', status: 410, body: '' }),
  serverError: (status = 500): ScriptedAnswer => ({ kind: 'status', status, body: '' }),
  hang: (): ScriptedAnswer => ({ kind: 'hang' }),
  slow: (ms: number, then: ScriptedAnswer = { kind: 'default' }): ScriptedAnswer => ({ kind: 'slow', ms, then }),
  /** a transport failure; `beforeConnect` defaults to true except for `timeout` */
  fail: (cause: TransportCause, options: { beforeConnect?: boolean; detail?: string } = {}): ScriptedAnswer => ({
    kind: 'fail',
    cause,
    beforeConnect: options.beforeConnect ?? cause !== 'timeout',
    detail: options.detail ?? `scripted ${cause}`,
  }),
  connectionFailure: (): ScriptedAnswer => scripted.fail('ConnectionFailure'),
  pinMismatch: (): ScriptedAnswer => scripted.fail('PinFingerprintMismatch'),
  /** answers in turn, then keeps giving the last one */
  sequence: (...answers: readonly ScriptedAnswer[]): ScriptedBehaviour => {
    if (answers.length === 0) throw new Error('scripted.sequence needs at least one answer');
    let next = 0;
    return () => answers[Math.min(next++, answers.length - 1)]!;
  },
} as const;

type MutableCall = { -readonly [K in keyof ScriptedCall]: ScriptedCall[K] };

const RESERVED_HEADERS = new Set([
  'authorization', 'content-type', 'content-length', 'host', 'connection', 'keep-alive', 'transfer-encoding',
  'upgrade', 'expect', 'te', 'trailer', 'proxy-connection',
]);

const DELIVERY_PATH = /^\/?bots\/([^/]+)\/messages\/?$/;
const BOTS_PATH = /^\/?bots\/?$/;

function classifyPath(path: string): { kind: ScriptedPathKind; botId: string | undefined } {
  if (BOTS_PATH.test(path)) return { kind: 'bots', botId: undefined };
  const m = DELIVERY_PATH.exec(path);
  if (m !== null) return { kind: 'messages', botId: decodeURIComponent(m[1]!) };
  return { kind: 'other', botId: undefined };
}

function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

export class ScriptedServiceClient implements ServiceClient {
  private readonly scripts = new Map<string, ServiceScript>();
  private readonly log: MutableCall[] = [];
  private readonly clock: Clock;
  private readonly prekeys: ScriptedPrekeyGenerator;
  private closed = false;
  /** service ids passed to closeService, in order */
  readonly closedServices: string[] = [];

  constructor(options: ScriptedServiceClientOptions) {
    this.clock = options.clock;
    this.prekeys = options.prekeys ?? fixedPrekeys();
  }

  /** Registers (or replaces) the script of a service. Unregistered services fail with `ConnectionFailure`. */
  register(serviceId: string, script: ServiceScript = {}): this {
    this.scripts.set(serviceId, script);
    return this;
  }

  /** Changes parts of a registered script (top-level fields are replaced, not merged). */
  update(serviceId: string, patch: Partial<ServiceScript>): this {
    const current = this.scripts.get(serviceId);
    if (current === undefined) throw new Error(`no scripted service ${serviceId}`);
    this.scripts.set(serviceId, { ...current, ...patch });
    return this;
  }

  /** Sets (or with undefined, clears) the answer to deliveries for one bot. */
  setBotBehaviour(serviceId: string, botId: string, behaviour: ScriptedBehaviour | undefined): this {
    const current = this.scripts.get(serviceId);
    if (current === undefined) throw new Error(`no scripted service ${serviceId}`);
    const byBot: Record<string, ScriptedBehaviour> = { ...(current.byBot ?? {}) };
    if (behaviour === undefined) delete byBot[botId];
    else byBot[botId] = behaviour;
    this.scripts.set(serviceId, { ...current, byBot });
    return this;
  }

  unregister(serviceId: string): this {
    this.scripts.delete(serviceId);
    return this;
  }

  /** Every call in order (including ones that never reached a service). */
  get calls(): readonly ScriptedCall[] {
    return this.log;
  }

  /** Calls still waiting for their answer (hanging or slow). */
  get inFlight(): readonly ScriptedCall[] {
    return this.log.filter((c) => c.result === undefined);
  }

  callsTo(serviceId: string): readonly ScriptedCall[] {
    return this.log.filter((c) => c.serviceId === serviceId);
  }

  /** Parsed `POST /bots` bodies (NewBotRequest) that reached a service, in order. */
  newBotRequests(serviceId?: string): unknown[] {
    return this.log
      .filter((c) => c.kind === 'bots' && c.reached && (serviceId === undefined || c.serviceId === serviceId))
      .map((c) => c.json);
  }

  /** Events that reached the service for `botId`, in arrival order, with their delivery ids and outcomes. */
  deliveriesTo(botId: string): ScriptedDelivery[] {
    return this.log
      .filter((c) => c.kind === 'messages' && c.botId === botId && c.reached)
      .map((c) => ({
        seq: c.seq,
        serviceId: c.serviceId,
        deliveryId: c.deliveryId,
        type: c.eventType,
        event: c.json,
        at: c.at,
        result: c.result,
      }));
  }

  clearCalls(): void {
    this.log.length = 0;
  }

  // Written without awaiting non-promises, so a hang's clock.sleep is registered before post() returns: a test can
  // call post() and advance a FakeClock right away.
  post(endpoint: ServiceEndpoint, request: OutboundRequest): Promise<OutboundResult> {
    const { kind, botId } = classifyPath(request.path);
    const json = parseJson(request.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const lower = name.toLowerCase();
      if (!RESERVED_HEADERS.has(lower)) headers[lower] = value;
    }
    headers['authorization'] = `Bearer ${endpoint.authToken}`;
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(request.body));
    const eventType = kind === 'messages' ? field(json, 'type') : undefined;
    const call: MutableCall = {
      seq: this.log.length === 0 ? 1 : this.log[this.log.length - 1]!.seq + 1,
      serviceId: endpoint.serviceId,
      baseUrl: endpoint.baseUrl,
      url: joinUrl(endpoint.baseUrl, request.path),
      path: request.path,
      kind,
      botId,
      body: request.body,
      json,
      eventType: typeof eventType === 'string' ? eventType : undefined,
      headers,
      deliveryId: headers['x-delivery-id'],
      bearer: endpoint.authToken,
      pinnedKeys: endpoint.pinnedKeys,
      deadlineMs: request.deadlineMs,
      maxResponseBytes: request.maxResponseBytes,
      at: this.clock.now(),
      reached: true,
      result: undefined,
      answeredAt: undefined,
    };
    this.log.push(call);

    const script = this.scripts.get(endpoint.serviceId);
    const refusal = this.refusal(script, endpoint);
    if (refusal !== undefined) {
      call.reached = false;
      return Promise.resolve(this.finish(call, refusal));
    }

    const chosen = this.behaviourFor(script!, call);
    const picked = typeof chosen === 'function' ? chosen(call) : chosen;
    const outcome = isPromise(picked)
      ? picked.then((a) => this.perform(script!, call, a))
      : this.perform(script!, call, picked);
    return Promise.resolve(outcome).then((result) => this.finish(call, result));
  }

  async closeService(serviceId: string): Promise<void> {
    this.closedServices.push(serviceId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- internals ----

  /** Why nothing can reach the service, checked in the order the real client meets them. */
  private refusal(script: ServiceScript | undefined, endpoint: ServiceEndpoint): OutboundResult | undefined {
    const refuse = (cause: TransportCause, detail: string): OutboundResult => ({ ok: false, cause, beforeConnect: true, detail });
    if (this.closed) return refuse('ConnectionFailure', 'service client is closed');
    if (script === undefined) return refuse('ConnectionFailure', `no scripted service ${endpoint.serviceId}`);
    const presented = script.presentedKey;
    if (presented !== undefined && !endpoint.pinnedKeys.some((k) => sameBytes(k, presented))) {
      return refuse('PinFingerprintMismatch', 'certificate key matches none of the registered keys');
    }
    return undefined;
  }

  private behaviourFor(script: ServiceScript, call: ScriptedCall): ScriptedBehaviour {
    switch (call.kind) {
      case 'bots':
        return script.bots ?? scripted.default();
      case 'messages':
        return (
          (call.botId !== undefined ? script.byBot?.[call.botId] : undefined) ??
          (call.eventType !== undefined ? script.byEventType?.[call.eventType] : undefined) ??
          script.messages ??
          scripted.default()
        );
      case 'other':
        return script.other ?? scripted.default();
    }
  }

  private perform(script: ServiceScript, call: MutableCall, a: ScriptedAnswer): OutboundResult | Promise<OutboundResult> {
    switch (a.kind) {
      case 'default':
        if (call.kind === 'bots') return this.perform(script, call, scripted.created());
        return this.perform(script, call, call.kind === 'messages' ? scripted.ok() : scripted.status(404));
      case 'created':
        return this.created(script, call, a.options);
      case 'status':
        return this.answered(call, a.status, a.body);
      case 'hang':
        return this.clock.sleep(call.deadlineMs).then(() => this.timeout(call));
      case 'slow':
        if (a.ms >= call.deadlineMs) return this.clock.sleep(call.deadlineMs).then(() => this.timeout(call));
        return this.clock.sleep(a.ms).then(() => this.perform(script, call, a.then));
      case 'fail':
        if (a.beforeConnect) call.reached = false;
        return { ok: false, cause: a.cause, beforeConnect: a.beforeConnect, detail: a.detail };
    }
  }

  private created(script: ServiceScript, call: MutableCall, options: ScriptedCreatedOptions): Promise<OutboundResult> {
    const generator = options.prekeys ?? script.prekeys ?? this.prekeys;
    const id = field(call.json, 'id');
    const count = options.prekeyCount ?? script.prekeyCount ?? 2;
    return Promise.resolve(generator({ serviceId: call.serviceId, botId: typeof id === 'string' ? id : '', count })).then(
      (set) => {
        const response: ScriptedNewBotResponse = {
          prekeys: set.prekeys,
          last_prekey: set.last_prekey,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.accent_id !== undefined ? { accent_id: options.accent_id } : {}),
          ...(options.assets !== undefined ? { assets: options.assets } : {}),
        };
        const body = options.transform !== undefined ? options.transform(response) : response;
        return this.answered(call, options.status ?? 201, typeof body === 'string' ? body : JSON.stringify(body));
      },
    );
  }

  private answered(call: ScriptedCall, status: number, body: string): OutboundResult {
    if (Buffer.byteLength(body) > call.maxResponseBytes) return { ok: true, status, body: '', tooLarge: true };
    return { ok: true, status, body, tooLarge: false };
  }

  private timeout(call: ScriptedCall): OutboundResult {
    return { ok: false, cause: 'timeout', beforeConnect: false, detail: `deadline of ${call.deadlineMs} ms passed` };
  }

  private finish(call: MutableCall, result: OutboundResult): OutboundResult {
    call.result = result;
    call.answeredAt = this.clock.now();
    return result;
  }
}
