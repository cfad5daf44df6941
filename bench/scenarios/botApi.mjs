/**
 * 2. Bot API. Requests per second of `GET /bot/conversation` with a bot token (token verify + bot/membership checks +
 * store) on the platform, against a bare Express route returning the same JSON with the same server settings
 * (Express 5, same response headers, same timeouts), loaded by the same closed-loop undici generator in a child
 * process. Repetitions alternate which server goes first.
 */
import express from 'express';
import { mintToken } from '@spp/domain';
import { runLoad, startFakeServices } from '../lib/children.mjs';
import { httpClient, removeDir, startPlatform, tempDir } from '../lib/platform.mjs';
import { summarise } from '../lib/stats.mjs';
import { addBot, approvedProvider, createConversation, createService, must, registerUser } from '../lib/world.mjs';

/** The platform's Express settings (createHttpApp) with one route answering `body`. */
async function startBareExpress(body) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.get('/bot/conversation', (_req, res) => {
    res.json(body);
  });
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve(s)));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

export async function botApi({ users, bots, connections, warmupMs, durationMs, reps, log, hooks = {} }) {
  const fakes = await startFakeServices(1);
  const dataDir = tempDir('botapi');
  const platform = await startPlatform({ dataDir, workers: true });
  hooks.platform?.(platform.app);
  const http = httpClient(platform.url);
  let bare;
  try {
    const provider = await approvedProvider(http);
    const serviceId = await createService(http, provider, fakes.services[0]);
    const alice = await registerUser(http, 'Alice');
    const others = [];
    for (let i = 0; i < users; i++) others.push((await registerUser(http, `User ${i}`)).id);
    const convId = await createConversation(http, alice, { users: others, name: 'Bot API' });
    let botId;
    for (let i = 0; i < bots; i++) botId ??= must('add bot', await addBot(http, alice, convId, provider.id, serviceId), 201).json.id;
    const token = mintToken(platform.app.ctx.deps.signer, { type: 'b', providerId: provider.id, botId, convId }, -1);
    const sample = must('bot conversation', await http.req('GET', '/bot/conversation', { token }), 200);
    bare = await startBareExpress(sample.json);
    const headers = { authorization: `Bearer ${token}` };
    const load = async (url) => {
      const c0 = process.cpuUsage();
      const r = await runLoad({ url, path: '/bot/conversation', headers, connections, warmupMs, durationMs });
      const c = process.cpuUsage(c0);
      return { ...r, cpuPerRequest: (c.user + c.system) / r.allRequests };
    };
    const check = await httpClient(bare.url).req('GET', '/bot/conversation');
    if (check.text !== sample.text) throw new Error('bare route does not return the same JSON');
    log(`bot API: conversation of ${users + 1} users and ${bots} bots, ${sample.text.length} bytes of JSON`);
    if (hooks.experiment) return await hooks.experiment({ load, platformUrl: platform.url, bareUrl: bare.url });

    const platformRps = [];
    const bareRps = [];
    const ratios = [];
    const platformP99 = [];
    const cpuPlatform = [];
    const cpuBare = [];
    for (let r = 0; r < reps; r++) {
      global.gc?.();
      const first = r % 2 === 0 ? 'platform' : 'bare';
      const a = await load(first === 'platform' ? platform.url : bare.url);
      global.gc?.();
      const b = await load(first === 'platform' ? bare.url : platform.url);
      const [p, e] = first === 'platform' ? [a, b] : [b, a];
      if (p.errors || e.errors) throw new Error(`bot API load: ${p.errors} platform / ${e.errors} bare errors`);
      platformRps.push(p.rps);
      bareRps.push(e.rps);
      ratios.push(p.rps / e.rps);
      platformP99.push(p.p99);
      cpuPlatform.push(p.cpuPerRequest);
      cpuBare.push(e.cpuPerRequest);
      log(`bot API rep ${r + 1}/${reps}: platform ${p.rps.toFixed(0)} req/s (p99 ${p.p99.toFixed(1)} ms, ${p.cpuPerRequest.toFixed(0)} µs CPU/req), bare ${e.rps.toFixed(0)} req/s (${e.cpuPerRequest.toFixed(0)} µs)`);
    }
    return {
      params: { members: users + 1 + bots, connections, durationMs, jsonBytes: sample.text.length },
      platform: summarise(platformRps),
      baseline: summarise(bareRps),
      ratio: summarise(ratios),
      platformP99Ms: summarise(platformP99),
      // server-process CPU per request (the load generator runs in a child process)
      cpuUsPerUnit: { unit: 'request', platform: summarise(cpuPlatform), baseline: summarise(cpuBare) },
    };
  } finally {
    await bare?.close();
    await http.close();
    await platform.stop();
    await fakes.close();
    removeDir(dataDir);
  }
}
