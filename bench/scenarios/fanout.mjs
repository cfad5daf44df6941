/**
 * 1. Fan-out. One conversation, B bots spread over K local HTTPS fake services (pinned keys). A user sends M messages
 * (one POST /conversations/{cnv}/otr/messages each, a ciphertext per bot client); we time from the first send until
 * the services have received every message for every bot, and report delivered events per second.
 * Baseline: the same bodies (captured from a platform round), POSTed with raw undici to the same servers, same TLS
 * settings, same concurrency (16 connections per service, one request in flight per bot, bots in parallel).
 */
import { randomBytes } from 'node:crypto';
import { startFakeServices } from '../lib/children.mjs';
import { makePrekeys } from '../lib/prekeys.mjs';
import { drainDeliveries, httpClient, removeDir, startPlatform, tempDir } from '../lib/platform.mjs';
import { rawServicePool } from '../lib/rawOutbound.mjs';
import { summarise } from '../lib/stats.mjs';
import { addBot, addClient, approvedProvider, createConversation, createService, must, registerUser } from '../lib/world.mjs';

export async function fanout({ B, K, M, reps, log, hooks = {} }) {
  const fakes = await startFakeServices(K);
  const dataDir = tempDir('fanout');
  const platform = await startPlatform({ dataDir, workers: true });
  hooks.platform?.(platform.app);
  const http = httpClient(platform.url);
  const raw = [];
  try {
    log(`fan-out: world with ${B} bots over ${K} services`);
    const provider = await approvedProvider(http);
    const serviceIds = [];
    for (let i = 0; i < K; i++) serviceIds.push(await createService(http, provider, fakes.services[i], { name: `Fan ${i}` }));
    const alice = await registerUser(http, 'Alice');
    const clientId = await addClient(http, alice, await makePrekeys(5));
    const convId = await createConversation(http, alice, { name: 'Fan-out' });
    const bots = [];
    for (let i = 0; i < B; i++) {
      const r = must('add bot', await addBot(http, alice, convId, provider.id, serviceIds[i % K]), 201);
      bots.push({ id: r.json.id, client: r.json.client, service: i % K });
    }
    await drainDeliveries(platform.app);
    const botIds = bots.map((b) => b.id);
    const serviceOf = new Map(bots.map((b) => [b.id, b.service]));

    // one ciphertext-sized text per bot client (Proteus messages of a short text are ~250 base64 characters)
    const bodies = Array.from({ length: M }, () =>
      JSON.stringify({
        sender: clientId,
        recipients: Object.fromEntries(bots.map((b) => [b.id, { [b.client]: randomBytes(190).toString('base64') }])),
      }),
    );

    const platformRound = async (capture = false) => {
      const { done } = await fakes.expect(botIds, M, { capture });
      await hooks.round?.('platform', 'start');
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const body of bodies) must('otr message', await http.req('POST', `/conversations/${convId}/otr/messages`, { token: alice.token, body }), 201);
      const msg = await done;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      await hooks.round?.('platform', 'end');
      await drainDeliveries(platform.app);
      return { rate: (B * M) / seconds, cpuPerEvent: (cpu.user + cpu.system) / (B * M), captured: msg.captured };
    };

    for (let i = 0; i < K; i++) raw.push(rawServicePool(fakes.services[i]));
    const baselineRound = async (captured) => {
      const perBot = new Map();
      for (const c of captured) (perBot.get(c.botId) ?? perBot.set(c.botId, []).get(c.botId)).push(c);
      const { done } = await fakes.expect(botIds, M);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        [...perBot].map(async ([botId, items]) => {
          const pool = raw[serviceOf.get(botId)];
          for (const it of items) {
            const r = await pool.post(`/bots/${botId}/messages`, it.body, { 'x-delivery-id': it.deliveryId });
            if (r.status !== 200) throw new Error(`baseline delivery: ${r.status}`);
          }
        }),
      );
      await done;
      const cpu = process.cpuUsage(c0);
      return { rate: (B * M) / ((performance.now() - t0) / 1000), cpuPerEvent: (cpu.user + cpu.system) / (B * M) };
    };

    log('fan-out: warm-up (captures the delivered bodies)');
    const warm = await platformRound(true);
    const captured = warm.captured;
    await baselineRound(captured);
    const platformRates = [];
    const baselineRates = [];
    const ratios = [];
    const cpuPlatform = [];
    const cpuBaseline = [];
    for (let r = 0; r < reps; r++) {
      global.gc?.();
      const base = await baselineRound(captured);
      global.gc?.();
      const plat = await platformRound();
      baselineRates.push(base.rate);
      platformRates.push(plat.rate);
      ratios.push(plat.rate / base.rate);
      cpuPlatform.push(plat.cpuPerEvent);
      cpuBaseline.push(base.cpuPerEvent);
      log(`fan-out rep ${r + 1}/${reps}: platform ${plat.rate.toFixed(0)} ev/s (${plat.cpuPerEvent.toFixed(0)} µs CPU/event), baseline ${base.rate.toFixed(0)} ev/s (${base.cpuPerEvent.toFixed(0)} µs)`);
    }
    return {
      params: { B, K, M, eventsPerRound: B * M },
      platform: summarise(platformRates),
      baseline: summarise(baselineRates),
      ratio: summarise(ratios),
      // CPU of this process (platform + message sender, or the raw client) per delivered event; the services run elsewhere
      cpuUsPerUnit: { unit: 'event', platform: summarise(cpuPlatform), baseline: summarise(cpuBaseline) },
    };
  } finally {
    await Promise.all(raw.map((p) => p.close()));
    await http.close();
    await platform.stop();
    await fakes.close();
    removeDir(dataDir);
  }
}
