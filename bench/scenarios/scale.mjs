/**
 * 4. Scale. Latency (median of sequential requests) of add-bot, a bot-token request (`GET /bot/conversation` for a
 * random seeded bot) and directory searches (by name prefix, by tag), on a small database and a large one (e.g. 1 k
 * vs 1 M bots, 1 k vs 100 k services) in SQLite, both platforms running side by side so every repetition measures
 * both under the same machine conditions. The large data set is bulk-inserted (lib/seed.mjs), not sent over HTTP.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_TAGS, mintToken } from '@spp/domain';
import { startFakeServices } from '../lib/children.mjs';
import { makePrekeys } from '../lib/prekeys.mjs';
import { httpClient, removeDir, startPlatform, tempDir } from '../lib/platform.mjs';
import { SEED_ADJECTIVES, seedDatabase } from '../lib/seed.mjs';
import { percentile, summarise } from '../lib/stats.mjs';
import { addBot, addClient, approvedProvider, createConversation, createService, must, registerUser } from '../lib/world.mjs';

const fmt = (n) => (n >= 1e6 ? `${n / 1e6} M` : n >= 1e3 ? `${n / 1e3} k` : String(n));

/** A template world over HTTP (its rows are what the seed copies), then the bulk seed. */
async function buildDatabase(label, size, fake, log) {
  const dataDir = tempDir(`scale-${label}`);
  const p = await startPlatform({ dataDir, workers: false });
  const http = httpClient(p.url);
  const provider = await approvedProvider(http);
  const serviceId = await createService(http, provider, fake, { name: 'Echo', tags: ['quiz', 'tutorial'] });
  const alice = await registerUser(http, 'Alice');
  await addClient(http, alice, await makePrekeys(2));
  const convId = await createConversation(http, alice, { name: 'Template' });
  const botId = must('template bot', await addBot(http, alice, convId, provider.id, serviceId), 201).json.id;
  await http.close();
  await p.stop();
  log(`scale ${label}: seeding ${fmt(size.bots)} bots, ${fmt(size.services)} services`);
  const seed = seedDatabase(join(dataDir, 'platform.db'), { providerId: provider.id, serviceId, userId: alice.id, convId, botId }, { ...size, log: (m) => log(`scale ${label}: ${m}`) });
  const mb = statSync(join(dataDir, 'platform.db')).size / 2 ** 20;
  log(`scale ${label}: seeded in ${seed.seconds.toFixed(1)} s, database ${mb.toFixed(0)} MiB`);
  return { label, size, dataDir, provider, serviceId, alice, sample: seed.sample, seedSeconds: seed.seconds, rows: seed.rows, dbMiB: mb };
}

export async function scale({ small, large, nAdd, perConversation, nToken, nDirectory, reps, log }) {
  const fakes = await startFakeServices(1);
  const dbs = [];
  const running = [];
  try {
    dbs.push(await buildDatabase('small', small, fakes.services[0], log));
    dbs.push(await buildDatabase('large', large, fakes.services[0], log));
    for (const db of dbs) {
      const p = await startPlatform({ dataDir: db.dataDir, workers: false });
      const http = httpClient(p.url, { connections: 1 });
      const tokens = db.sample.map((b) => mintToken(p.app.ctx.deps.signer, { type: 'b', providerId: b.providerId, botId: b.botId, convId: b.convId }, -1));
      const convs = [];
      for (let i = 0; i < (reps + 1) * Math.ceil(nAdd / perConversation); i++) convs.push(await createConversation(http, db.alice, { name: 'Scale' }));
      running.push({ db, p, http, tokens, convs, nextConv: 0, nextToken: 0 });
    }

    const addBots = async (r) => {
      const lat = [];
      for (let i = 0; i < nAdd; i++) {
        if (i % perConversation === 0) r.conv = r.convs[r.nextConv++];
        const t = performance.now();
        const res = await addBot(r.http, r.db.alice, r.conv, r.db.provider.id, r.db.serviceId);
        lat.push(performance.now() - t);
        must('add bot', res, 201);
      }
      return lat;
    };
    const botToken = async (r) => {
      const lat = [];
      for (let i = 0; i < nToken; i++) {
        const token = r.tokens[r.nextToken++ % r.tokens.length];
        const t = performance.now();
        const res = await r.http.req('GET', '/bot/conversation', { token });
        lat.push(performance.now() - t);
        must('bot conversation', res, 200);
      }
      return lat;
    };
    const directory = (kind) => async (r) => {
      const lat = [];
      for (let i = 0; i < nDirectory; i++) {
        const q = kind === 'prefix' ? `start=${SEED_ADJECTIVES[i % SEED_ADJECTIVES.length]}` : `tags=${SERVICE_TAGS[i % SERVICE_TAGS.length]}`;
        const t = performance.now();
        const res = await r.http.req('GET', `/services?${q}&size=20`, { token: r.db.alice.token });
        lat.push(performance.now() - t);
        must('directory', res, 200);
        if (res.json.services.length !== 20) throw new Error(`directory ${q}: expected a full page, got ${res.json.services.length}`);
      }
      return lat;
    };
    const ops = { 'add-bot': addBots, 'bot-token request': botToken, 'directory search (name prefix)': directory('prefix'), 'directory search (tag)': directory('tag') };

    log('scale: warm-up');
    for (const r of running) for (const op of Object.values(ops)) await op(r);
    const results = Object.fromEntries(Object.keys(ops).map((k) => [k, { small: [], large: [], ratio: [], smallP99: [], largeP99: [] }]));
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? running : [...running].reverse();
      for (const [name, op] of Object.entries(ops)) {
        const p50 = {};
        for (const r of order) {
          global.gc?.();
          const lat = await op(r);
          p50[r.db.label] = percentile(lat, 50);
          results[name][`${r.db.label}P99`].push(percentile(lat, 99));
        }
        results[name].small.push(p50.small);
        results[name].large.push(p50.large);
        results[name].ratio.push(p50.large / p50.small);
      }
      log(`scale rep ${rep + 1}/${reps}: ${Object.entries(results).map(([k, v]) => `${k} ${v.small.at(-1).toFixed(2)}→${v.large.at(-1).toFixed(2)} ms`).join('; ')}`);
    }
    return {
      params: { small, large, nAdd, nToken, nDirectory, botsPerConversation: 5 },
      databases: dbs.map((d) => ({ label: d.label, ...d.size, seedSeconds: d.seedSeconds, dbMiB: d.dbMiB, rows: d.rows })),
      ops: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, summarise(vv)]))])),
    };
  } finally {
    for (const r of running) {
      await r.http.close();
      await r.p.stop();
    }
    await fakes.close();
    for (const d of dbs) removeDir(d.dataDir);
  }
}
