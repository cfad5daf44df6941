/**
 * 3. Add-bot overhead. Sequential `POST /conversations/{cnv}/bots` (user → platform over HTTP, platform → fake service
 * `POST /bots` over pinned TLS, commit) against a fake service that answers at once; minus sequential raw undici
 * `POST /bots` of a NewBotRequest-sized body to the same service with the same TLS settings (warm pool in both).
 * The delivery worker is off, so the member-join deliveries each add queues do not compete for the CPU.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startFakeServices } from '../lib/children.mjs';
import { makePrekeys } from '../lib/prekeys.mjs';
import { httpClient, removeDir, startPlatform, tempDir } from '../lib/platform.mjs';
import { rawServicePool } from '../lib/rawOutbound.mjs';
import { percentile, summarise } from '../lib/stats.mjs';
import { addBot, addClient, approvedProvider, createConversation, createService, must, registerUser } from '../lib/world.mjs';

/** a NewBotRequest of the same shape and size as the platform's for a conversation of `members` */
export const newBotRequestBody = (members, domain = 'localhost') => {
  const member = (id, role) => ({ qualified_id: { id, domain }, id, conversation_role: role, status: 0 });
  const user = randomUUID();
  return JSON.stringify({
    id: randomUUID(),
    client: randomBytes(8).toString('hex'),
    origin: { id: user, name: 'Alice', accent_id: 0, handle: null, team: null },
    conversation: {
      id: randomUUID(),
      name: 'Add-bot',
      members: [member(user, 'wire_admin'), ...Array.from({ length: members - 1 }, () => ({
        ...member(randomUUID(), 'wire_admin'),
        service: { id: randomUUID(), provider: randomUUID() },
      }))],
    },
    token: `${randomBytes(64).toString('base64')}.v=1.k=1.d=-1.t=b.l=.p=${randomUUID()}.b=${randomUUID()}.c=${randomUUID()}`,
    locale: 'en',
  });
};

export async function addBotOverhead({ samples, perConversation, reps, log, hooks = {} }) {
  const fakes = await startFakeServices(1);
  const dataDir = tempDir('addbot');
  const platform = await startPlatform({ dataDir, workers: false });
  hooks.platform?.(platform.app);
  const http = httpClient(platform.url, { connections: 1 });
  const raw = rawServicePool(fakes.services[0]);
  try {
    const provider = await approvedProvider(http);
    const serviceId = await createService(http, provider, fakes.services[0]);
    const alice = await registerUser(http, 'Alice');
    await addClient(http, alice, await makePrekeys(2));

    const addRound = async () => {
      const convs = [];
      for (let i = 0; i < Math.ceil(samples / perConversation); i++) convs.push(await createConversation(http, alice, { name: 'Add-bot' }));
      const lat = [];
      await hooks.round?.('platform', 'start');
      const c0 = process.cpuUsage();
      for (let i = 0; i < samples; i++) {
        const conv = convs[Math.floor(i / perConversation)];
        const t = performance.now();
        const r = await addBot(http, alice, conv, provider.id, serviceId);
        lat.push(performance.now() - t);
        must('add bot', r, 201);
      }
      const c = process.cpuUsage(c0);
      await hooks.round?.('platform', 'end');
      lat.cpuPerUnit = (c.user + c.system) / samples;
      return lat;
    };
    const rawRound = async () => {
      const lat = [];
      const c0 = process.cpuUsage();
      for (let i = 0; i < samples; i++) {
        const body = newBotRequestBody(1 + (i % perConversation));
        const t = performance.now();
        const r = await raw.post('/bots', body);
        JSON.parse(r.body);
        lat.push(performance.now() - t);
        if (r.status !== 201) throw new Error(`raw POST /bots: ${r.status}`);
      }
      const c = process.cpuUsage(c0);
      lat.cpuPerUnit = (c.user + c.system) / samples;
      return lat;
    };

    if (hooks.experiment) return await hooks.experiment({ addRound, rawRound });
    log('add-bot: warm-up');
    await rawRound();
    await addRound();
    const rows = { addP50: [], addP99: [], rawP50: [], rawP99: [], overheadP50: [], overheadP99: [] };
    const cpuAdd = [];
    const cpuRaw = [];
    for (let r = 0; r < reps; r++) {
      global.gc?.();
      const rawLat = await rawRound();
      global.gc?.();
      const addLat = await addRound();
      const a50 = percentile(addLat, 50);
      const a99 = percentile(addLat, 99);
      const r50 = percentile(rawLat, 50);
      const r99 = percentile(rawLat, 99);
      rows.addP50.push(a50);
      rows.addP99.push(a99);
      rows.rawP50.push(r50);
      rows.rawP99.push(r99);
      rows.overheadP50.push(a50 - r50);
      rows.overheadP99.push(a99 - r99);
      cpuAdd.push(addLat.cpuPerUnit);
      cpuRaw.push(rawLat.cpuPerUnit);
      log(`add-bot rep ${r + 1}/${reps}: add-bot p50 ${a50.toFixed(2)} p99 ${a99.toFixed(2)} ms; raw POST /bots p50 ${r50.toFixed(2)} p99 ${r99.toFixed(2)} ms`);
    }
    return {
      params: { samples, perConversation },
      ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, summarise(v)])),
      // CPU of this process per add (client + platform) and per raw POST /bots (client); the service runs elsewhere
      cpuUsPerUnit: { unit: 'add-bot', platform: summarise(cpuAdd), baseline: summarise(cpuRaw) },
    };
  } finally {
    await raw.close();
    await http.close();
    await platform.stop();
    await fakes.close();
    removeDir(dataDir);
  }
}
