/**
 * Child process: K minimal Wire-style services over HTTPS on 127.0.0.1 (RSA 2048 self-signed, each its own key and
 * auth token). `POST {base}/bots` answers 201 at once with a precomputed NewBotResponse (real Proteus bundles);
 * `POST {base}/bots/{bot}/messages` answers 200 empty and counts `conversation.otr-message-add` events per bot.
 * Runs in its own process so the services' CPU does not share the event loop of the code under test.
 *
 * IPC: → {cmd:'expect', round, bots, perBot, capture} … ← {type:'done', round, captured?};
 *      → {cmd:'stats'} ← {type:'stats', ...}; → {cmd:'close'}.
 */
import { createServer } from 'node:https';
import { makeCerts } from './certs.mjs';
import { makePrekeys } from './prekeys.mjs';

const { count = 1, basePath = '/api' } = JSON.parse(process.argv[2] ?? '{}');
const OTR = 'conversation.otr-message-add';
const DELIVERY = new RegExp(`^${basePath}/bots/([^/]+)/messages$`);

const stats = { creates: 0, deliveries: 0, otr: 0, other: 0, unauthorized: 0 };
/** the current measured round: per-bot counts until every bot has `perBot` events */
let round;

const onEvent = (botId, deliveryId, body, json) => {
  stats.deliveries++;
  if (json?.type !== OTR) {
    stats.other++;
    return;
  }
  stats.otr++;
  const r = round;
  if (!r) return;
  const n = r.counts.get(botId);
  if (n === undefined) return;
  r.counts.set(botId, n + 1);
  if (r.captured) r.captured.push({ botId, deliveryId, body });
  if (n + 1 === r.perBot && --r.remaining === 0) {
    round = undefined;
    process.send({ type: 'done', round: r.id, captured: r.captured });
  }
};

const certs = await makeCerts(count);
const { prekeys, lastPrekey } = await makePrekeys(3);
const newBotResponse = JSON.stringify({ prekeys, last_prekey: lastPrekey });
const newBotLength = Buffer.byteLength(newBotResponse);

const services = await Promise.all(
  certs.map(async (c, i) => {
    const authToken = `bench-service-token-${i}-${Math.random().toString(36).slice(2)}`;
    const expected = `Bearer ${authToken}`;
    const server = createServer({ key: c.keyPem, cert: c.certPem }, (req, res) => {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        if (req.headers.authorization !== expected) {
          stats.unauthorized++;
          res.writeHead(401, { 'content-length': '0' }).end();
          return;
        }
        const url = req.url ?? '';
        if (req.method === 'POST' && url === `${basePath}/bots`) {
          stats.creates++;
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': newBotLength }).end(newBotResponse);
          return;
        }
        const m = DELIVERY.exec(url);
        if (req.method === 'POST' && m) {
          const body = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          res.writeHead(200, { 'content-length': '0' }).end();
          onEvent(decodeURIComponent(m[1]), req.headers['x-delivery-id'], body, json);
          return;
        }
        res.writeHead(404, { 'content-length': '0' }).end();
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return { server, info: { url: `https://127.0.0.1:${port}${basePath}`, port, publicKeyPem: c.publicKeyPem, authToken } };
  }),
);

process.on('message', (msg) => {
  if (msg.cmd === 'expect') {
    round = {
      id: msg.round,
      perBot: msg.perBot,
      remaining: msg.bots.length,
      counts: new Map(msg.bots.map((b) => [b, 0])),
      captured: msg.capture ? [] : undefined,
    };
    process.send({ type: 'expecting', round: msg.round });
  } else if (msg.cmd === 'stats') process.send({ type: 'stats', ...stats });
  else if (msg.cmd === 'close') {
    for (const s of services) s.server.closeAllConnections?.();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', services: services.map((s) => s.info), newBotResponse });
