/**
 * A real Wire-style service for end-to-end tests: HTTPS (node:https, RSA 2048) on 127.0.0.1:0, implementing
 * `POST {base}/bots` and `POST {base}/bots/{bot}/messages` (external-service-api.md) with real Proteus prekeys, and a
 * client for the platform's inbound bot API (bots.md §6) that speaks as one of its bots.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { fakeServiceCerts, type FakeServiceCerts } from './fakeServiceCerts.js';
import { createProteusParty, newIdentity, type IdentityKeyPair, type ProteusParty, type SerialisedPrekey } from './proteusBot.js';
import { startHttpsServer, type HttpsTestServer, type RecordedHandshake } from './tls.js';

/**
 * How the service answers one kind of request:
 * `'ok'` the normal answer (201 NewBotResponse / 200 empty), a status number (for `/bots`, a 2xx status carries the
 * normal NewBotResponse body, others `{}`), `{status, body}` verbatim, `'hang'` never answers, `'reset'` destroys the
 * connection without answering.
 */
export type FakeReply = 'ok' | 'hang' | 'reset' | number | { readonly status: number; readonly body?: string };

export interface FakeBotProfile {
  readonly name?: string;
  readonly accent_id?: number;
  readonly assets?: readonly unknown[];
}

export interface FakeServiceBehaviour {
  /** `POST /bots`; default 'ok' */
  readonly createBot: FakeReply;
  /** deliveries to any bot; default 'ok' */
  readonly deliveries: FakeReply;
  /** deliveries to given bot ids (beats `deliveries`) */
  readonly deliveriesFor: Readonly<Record<string, FakeReply>>;
  /** wait before answering /bots and deliveries (a slow service; 401/404 are immediate); default 0 */
  readonly delayMs: number;
  /** answer 401 unless `Authorization: Bearer <authToken>`; default true */
  readonly checkAuth: boolean;
  /** optional NewBotResponse fields overriding the service profile */
  readonly profile: FakeBotProfile;
  /** ordinary prekeys per new bot (ids 1..n); default 3 */
  readonly prekeyCount: number;
  /** `service` (default): all bots share the service identity (`identityKeyHex`); `per-bot`: a new identity each */
  readonly identity: 'service' | 'per-bot';
  /** rewrites the NewBotResponse before sending (malformed prekeys…); a string is sent verbatim */
  readonly transformBotResponse: ((body: FakeNewBotResponse) => unknown) | undefined;
}

/**
 * `self-signed` (default): current self-signed cert of the service key. `tls13-only`: same cert, TLS 1.3 minimum.
 * `wrong-key`: a self-signed cert of another key. `expired`: expired self-signed cert of the service key.
 * `ca-signed`: leaf of the service key issued by a CA nobody trusts unless given `caCertPem`, chain sent.
 */
export type FakeTlsMode = 'self-signed' | 'tls13-only' | 'wrong-key' | 'expired' | 'ca-signed';

export interface FakeNewBotResponse {
  readonly prekeys: readonly SerialisedPrekey[];
  readonly last_prekey: SerialisedPrekey;
  readonly name?: string;
  readonly accent_id?: number;
  readonly assets?: readonly unknown[];
}

export interface FakeRequest {
  readonly method: string;
  /** path below the base path (e.g. `/bots`), or the full request path when outside it */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** parsed body, undefined when not JSON */
  readonly json: any;
  readonly receivedAt: number;
}

export interface FakeBot {
  readonly id: string;
  readonly clientId: string;
  readonly token: string;
  readonly conversation: any;
  readonly origin: any;
  readonly locale: string | undefined;
  /** the NewBotRequest as received */
  readonly request: any;
  readonly prekeys: readonly SerialisedPrekey[];
  readonly lastPrekey: SerialisedPrekey;
  /** the bot's Proteus client (identity, prekeys, sessions) */
  readonly proteus: ProteusParty;
  readonly identityKeyHex: string;
}

export interface ReceivedEvent {
  readonly botId: string;
  /** X-Delivery-Id */
  readonly deliveryId: string | undefined;
  readonly type: string | undefined;
  /** the parsed event */
  readonly event: any;
  readonly receivedAt: number;
  /** what the service answered: a status, or 'hang' / 'reset' */
  readonly answer: number | 'hang' | 'reset';
}

export interface BotApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** parsed JSON, undefined when empty or not JSON */
  readonly json: any;
}

/** Calls to the platform's inbound bot API with one bot's token. */
export interface BotApiClient {
  readonly botId: string;
  readonly clientId: string;
  readonly token: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<BotApiResponse>;
  self(): Promise<BotApiResponse>;
  deleteSelf(): Promise<BotApiResponse>;
  client(): Promise<BotApiResponse>;
  /** GET /bot/client/prekeys */
  prekeyIds(): Promise<BotApiResponse>;
  /** POST /bot/client/prekeys; default: 2 fresh prekeys of the bot's Proteus client */
  uploadPrekeys(prekeys?: readonly SerialisedPrekey[]): Promise<BotApiResponse>;
  /** POST /bot/users/prekeys */
  claimPrekeys(clients: Record<string, readonly string[]>): Promise<BotApiResponse>;
  /** GET /bot/users?ids=… */
  users(ids: readonly string[]): Promise<BotApiResponse>;
  userClients(userId: string): Promise<BotApiResponse>;
  conversation(): Promise<BotApiResponse>;
  /** POST /bot/messages with a NewOtrMessage (`sender` defaults to the bot's client) */
  postMessage(message: Record<string, unknown>, query?: string): Promise<BotApiResponse>;
  /**
   * Sends `plaintext` encrypted with real Proteus to every client of the conversation, the way bot SDKs do: post
   * with no recipients → 412 lists missing clients → claim prekeys for those without a session → encrypt → post.
   * Returns the final answer (201 expected) and the recipients map that was sent.
   */
  sendText(plaintext: string): Promise<{ readonly response: BotApiResponse; readonly recipients: Record<string, Record<string, string>> }>;
}

export interface StartFakeServiceOptions {
  readonly behaviour?: Partial<FakeServiceBehaviour>;
  /** default 'self-signed' */
  readonly tls?: FakeTlsMode;
  /** the bearer token the service expects (register it as the service's auth token); default random */
  readonly authToken?: string;
  /** base path of base_url; default '/api' */
  readonly basePath?: string;
  /** certificate material; default the per-process shared `fakeServiceCerts()` */
  readonly certs?: FakeServiceCerts;
}

export interface FakeService {
  /** base_url to register, e.g. `https://127.0.0.1:PORT/api` */
  readonly url: string;
  readonly port: number;
  /** SPKI PEM of the service key (the key to register; `wrong-key` mode presents another one) */
  readonly publicKeyPem: string;
  /** canonical DER SPKI of the same key */
  readonly spkiDer: Buffer;
  /** the bearer token it expects */
  readonly authToken: string;
  /** lowercase hex of the service's Proteus identity key (for `identity_fingerprints`) */
  readonly identityKeyHex: string;
  readonly certs: FakeServiceCerts;
  /** every HTTP request, in arrival order */
  readonly requests: readonly FakeRequest[];
  /** parsed bodies of every `POST {base}/bots` (NewBotRequest), whatever was answered */
  newBotRequests(): any[];
  /** bots the service answered with a NewBotResponse, by bot id */
  readonly bots: ReadonlyMap<string, FakeBot>;
  /** completed TLS handshakes and failed ones */
  readonly handshakes: readonly RecordedHandshake[];
  readonly tlsErrors: readonly Error[];
  readonly behaviour: FakeServiceBehaviour;
  readonly tlsMode: FakeTlsMode;
  /** events received for a bot, in arrival order (including ones answered with an error, and repeats) */
  events(botId: string): ReceivedEvent[];
  /** resolves once `events(botId)` has at least n entries; rejects after timeoutMs (default 5000) */
  waitForEvents(botId: string, n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** resolves once the service created n bots in total */
  waitForBots(n: number, timeoutMs?: number): Promise<FakeBot[]>;
  /** resolves once `predicate()` holds (checked after every request and every 20 ms) */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  setBehaviour(patch: Partial<FakeServiceBehaviour>): void;
  /** switches the certificate/TLS versions for new connections and drops open ones (so the platform reconnects) */
  setTls(mode: FakeTlsMode): void;
  /** drops open connections (the platform's pool must reconnect, and re-pin) */
  dropConnections(): void;
  botClient(botId: string, platformUrl: string): BotApiClient;
  /** decrypts the `text` of a `conversation.otr-message-add` event as the bot (starts a session when needed) */
  decrypt(botId: string, event: any): Promise<string>;
  decryptBytes(botId: string, event: any): Promise<Uint8Array>;
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: FakeServiceBehaviour = {
  createBot: 'ok',
  deliveries: 'ok',
  deliveriesFor: {},
  delayMs: 0,
  checkAuth: true,
  profile: {},
  prekeyCount: 3,
  identity: 'service',
  transformBotResponse: undefined,
};

function tlsOptions(certs: FakeServiceCerts, mode: FakeTlsMode): { key: string; cert: string; minVersion?: SecureVersion } {
  switch (mode) {
    case 'self-signed':
      return { key: certs.keyPem, cert: certs.selfSignedPem };
    case 'tls13-only':
      return { key: certs.keyPem, cert: certs.selfSignedPem, minVersion: 'TLSv1.3' };
    case 'wrong-key':
      return { key: certs.wrongKeyPem, cert: certs.wrongCertPem };
    case 'expired':
      return { key: certs.keyPem, cert: certs.expiredPem };
    case 'ca-signed':
      return { key: certs.keyPem, cert: certs.caSignedChainPem };
  }
}

function parseJson(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const DELIVERY_PATH = /^\/bots\/([^/]+)\/messages\/?$/;

export async function startFakeService(options: StartFakeServiceOptions = {}): Promise<FakeService> {
  const certs = options.certs ?? fakeServiceCerts();
  const authToken = options.authToken ?? randomBytes(24).toString('base64url');
  const basePath = (options.basePath ?? '/api').replace(/\/+$/, '');
  const serviceIdentity: IdentityKeyPair = await newIdentity();
  const serviceIdentityHex = Buffer.from(serviceIdentity.public_key.public_key.pub_edward).toString('hex');
  let behaviour: FakeServiceBehaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  let tlsMode: FakeTlsMode = options.tls ?? 'self-signed';

  const requests: FakeRequest[] = [];
  const bots = new Map<string, FakeBot>();
  const botOrder: FakeBot[] = [];
  const received = new Map<string, ReceivedEvent[]>();
  const sockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const send = (res: ServerResponse, status: number, body: string) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const answerOf = (r: FakeReply, normalStatus: number): number | 'hang' | 'reset' =>
    r === 'hang' || r === 'reset' ? r : r === 'ok' ? normalStatus : typeof r === 'number' ? r : r.status;

  /** Answers `r` after the configured delay. `normal` makes the 'ok' answer, `bodyFor` the body of a bare status. */
  const reply = (
    req: IncomingMessage,
    res: ServerResponse,
    r: FakeReply,
    normal: () => Promise<{ status: number; body: string }>,
    bodyFor: (status: number) => Promise<string>,
  ): void => {
    if (r === 'hang') return; // the socket stays open until the client gives up or the service closes
    const run = async () => {
      if (r === 'reset') req.socket.destroy();
      else if (r === 'ok') {
        const n = await normal();
        send(res, n.status, n.body);
      } else if (typeof r === 'number') send(res, r, await bodyFor(r));
      else send(res, r.status, r.body ?? '');
    };
    const go = () => void run().catch((err: unknown) => send(res, 500, JSON.stringify({ error: String(err) })));
    if (behaviour.delayMs <= 0) return go();
    const t = setTimeout(() => {
      pendingTimers.delete(t);
      go();
    }, behaviour.delayMs);
    pendingTimers.add(t);
  };

  const createBot = async (request: any): Promise<FakeNewBotResponse> => {
    const identity = behaviour.identity === 'per-bot' ? await newIdentity() : serviceIdentity;
    const proteus = await createProteusParty({ identity });
    const prekeys = proteus.generatePrekeys(behaviour.prekeyCount, 1);
    const lastPrekey = proteus.lastResortPrekey();
    const bot: FakeBot = {
      id: String(request?.id ?? ''),
      clientId: String(request?.client ?? ''),
      token: String(request?.token ?? ''),
      conversation: request?.conversation,
      origin: request?.origin,
      locale: typeof request?.locale === 'string' ? request.locale : undefined,
      request,
      prekeys,
      lastPrekey,
      proteus,
      identityKeyHex: proteus.identityKeyHex,
    };
    bots.set(bot.id, bot);
    botOrder.push(bot);
    notify();
    return { prekeys, last_prekey: lastPrekey, ...behaviour.profile };
  };

  const botResponseBody = (body: FakeNewBotResponse): string => {
    const out = behaviour.transformBotResponse !== undefined ? behaviour.transformBotResponse(body) : body;
    return typeof out === 'string' ? out : JSON.stringify(out);
  };

  const handler = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const rawPath = (req.url ?? '').split('?')[0] ?? '';
    const path = rawPath === basePath || rawPath.startsWith(`${basePath}/`) ? rawPath.slice(basePath.length) || '/' : rawPath;
    const json = parseJson(body);
    requests.push({ method: req.method ?? '', path, headers: req.headers, body, json, receivedAt: Date.now() });
    notify();
    const inBase = path !== rawPath || basePath === '';
    if (req.method !== 'POST' || !inBase) return send(res, 404, '{"label":"not-found"}');
    const isBots = path === '/bots' || path === '/bots/';
    const delivery = DELIVERY_PATH.exec(path);
    if (!isBots && delivery === null) return send(res, 404, '{"label":"not-found"}');
    if (behaviour.checkAuth && req.headers['authorization'] !== `Bearer ${authToken}`) {
      return send(res, 401, '{"label":"unauthorized"}');
    }
    if (isBots) {
      const normal = async () => ({ status: 201, body: botResponseBody(await createBot(json)) });
      const bodyFor = async (s: number) => (s >= 200 && s < 300 ? botResponseBody(await createBot(json)) : '{}');
      reply(req, res, behaviour.createBot, normal, bodyFor);
      return;
    }
    const botId = decodeURIComponent(delivery![1]!);
    const r = behaviour.deliveriesFor[botId] ?? behaviour.deliveries;
    reply(req, res, r, async () => ({ status: 200, body: '' }), async () => '');
    const list = received.get(botId) ?? [];
    list.push({
      botId,
      deliveryId: typeof req.headers['x-delivery-id'] === 'string' ? req.headers['x-delivery-id'] : undefined,
      type: typeof json?.type === 'string' ? json.type : undefined,
      event: json,
      receivedAt: Date.now(),
      answer: answerOf(r, 200),
    });
    received.set(botId, list);
    notify();
  };

  const server: HttpsTestServer = await startHttpsServer({ ...tlsOptions(certs, tlsMode), handler });
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const dropConnections = () => {
    for (const s of sockets) s.destroy();
  };

  const waitFor = <T>(predicate: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = predicate();
        if (v !== undefined && v !== false) {
          cleanup();
          resolve(v);
        }
      };
      const poll = setInterval(check, 20);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake service: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const botOf = (botId: string): FakeBot => {
    const bot = bots.get(botId);
    if (bot === undefined) throw new Error(`fake service: no bot ${botId}`);
    return bot;
  };

  const decryptBytes = async (botId: string, event: any): Promise<Uint8Array> => {
    const bot = botOf(botId);
    const data = event?.data;
    if (event?.type !== 'conversation.otr-message-add' || typeof data?.text !== 'string') {
      throw new Error(`fake service: not an otr-message-add event: ${JSON.stringify(event)}`);
    }
    const from = event.qualified_from?.id ?? event.from;
    return bot.proteus.decrypt(`${from}@${data.sender}`, data.text);
  };

  const service: FakeService = {
    url: `${server.url}${basePath}`,
    port: server.port,
    publicKeyPem: certs.publicKeyPem,
    spkiDer: certs.spkiDer,
    authToken,
    identityKeyHex: serviceIdentityHex,
    certs,
    requests,
    newBotRequests: () => requests.filter((q) => q.method === 'POST' && (q.path === '/bots' || q.path === '/bots/')).map((q) => q.json),
    bots,
    handshakes: server.handshakes,
    tlsErrors: server.tlsErrors,
    get behaviour() {
      return behaviour;
    },
    get tlsMode() {
      return tlsMode;
    },
    events: (botId) => [...(received.get(botId) ?? [])],
    waitForEvents: (botId, n, timeoutMs) =>
      waitFor(() => {
        const list = received.get(botId) ?? [];
        return list.length >= n ? [...list] : undefined;
      }, timeoutMs, `${n} event(s) for bot ${botId} (have ${(received.get(botId) ?? []).length})`),
    waitForBots: (n, timeoutMs) => waitFor(() => (botOrder.length >= n ? [...botOrder] : undefined), timeoutMs, `${n} bot(s)`),
    waitFor,
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
    },
    setTls(mode) {
      tlsMode = mode;
      server.server.setSecureContext(tlsOptions(certs, mode));
      dropConnections();
    },
    dropConnections,
    botClient: (botId, platformUrl) => botApiClient(botOf(botId), platformUrl),
    decryptBytes,
    decrypt: async (botId, event) => Buffer.from(await decryptBytes(botId, event)).toString('utf8'),
    async close() {
      for (const t of pendingTimers) clearTimeout(t);
      pendingTimers.clear();
      await server.close();
    },
  };
  return service;
}

function botApiClient(bot: FakeBot, platformUrl: string): BotApiClient {
  const base = platformUrl.replace(/\/+$/, '');
  const request: BotApiClient['request'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${bot.token}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: parseJson(text) };
  };
  const postMessage: BotApiClient['postMessage'] = (message, query) =>
    request('POST', `/bot/messages${query ? `?${query.replace(/^\?/, '')}` : ''}`, { sender: bot.clientId, ...message });

  return {
    botId: bot.id,
    clientId: bot.clientId,
    token: bot.token,
    request,
    self: () => request('GET', '/bot/self'),
    deleteSelf: () => request('DELETE', '/bot/self'),
    client: () => request('GET', '/bot/client'),
    prekeyIds: () => request('GET', '/bot/client/prekeys'),
    uploadPrekeys: (prekeys) => request('POST', '/bot/client/prekeys', { prekeys: prekeys ?? bot.proteus.generatePrekeys(2) }),
    claimPrekeys: (clients) => request('POST', '/bot/users/prekeys', clients),
    users: (ids) => request('GET', `/bot/users?ids=${ids.map(encodeURIComponent).join(',')}`),
    userClients: (userId) => request('GET', `/bot/users/${encodeURIComponent(userId)}/clients`),
    conversation: () => request('GET', '/bot/conversation'),
    postMessage,
    async sendText(plaintext) {
      const probe = await postMessage({ recipients: {} });
      if (probe.status === 201) return { response: probe, recipients: {} };
      if (probe.status !== 412) throw new Error(`sendText: expected 412 listing clients, got ${probe.status} ${probe.text}`);
      const missing = (probe.json?.missing ?? {}) as Record<string, string[]>;
      const needKeys: Record<string, string[]> = {};
      for (const [user, clients] of Object.entries(missing)) {
        const without = clients.filter((c) => !bot.proteus.hasSession(`${user}@${c}`));
        if (without.length > 0) needKeys[user] = without;
      }
      let claimed: Record<string, Record<string, SerialisedPrekey | null>> = {};
      if (Object.keys(needKeys).length > 0) {
        const claim = await request('POST', '/bot/users/prekeys', needKeys);
        if (claim.status !== 200) throw new Error(`sendText: claiming prekeys answered ${claim.status} ${claim.text}`);
        claimed = claim.json ?? {};
      }
      const recipients: Record<string, Record<string, string>> = {};
      for (const [user, clients] of Object.entries(missing)) {
        for (const c of clients) {
          const session = `${user}@${c}`;
          const bundle = claimed[user]?.[c];
          if (!bot.proteus.hasSession(session) && (bundle === null || bundle === undefined)) continue;
          (recipients[user] ??= {})[c] = bot.proteus.encrypt(session, plaintext, bundle?.key);
        }
      }
      return { response: await postMessage({ recipients }), recipients };
    },
  };
}
