import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { api, approvedProviderVia, expectStatus, userVia, type Api } from './support/api.js';
import { buildApp, forceGc, GC_ARGS, startAppProcess, type AppProcess } from './support/child.js';

/**
 * Fault isolation (external-service-api.md §3–§4): with one service hanging, one resetting connections, one
 * answering 500 and one presenting the wrong key, a healthy service's deliveries keep their latency, and nothing
 * queues without bound. Two app processes run side by side with the same world: a conversation with a bot of the
 * measured service and bots of four more services. In one app those four work, in the other they are broken. Both
 * are driven in lockstep, so they see the same background load and the same fan-out: the comparison measures the
 * faults and not the machine. Each app's heap is read from its own /i/metrics.
 */

const PASSWORD = 'fault isolation password';
/** latency is compared block by block (median of the blocks' p99 ratios), so one noisy moment cannot decide */
const BLOCKS = 5;
const SAMPLES = 120;
const PACE_MS = 20;
const FLOOD = 1_200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

describe('fault isolation: failing services cannot slow down or bloat deliveries to a healthy one', () => {
  type FaultKind = 'hanging' | 'resetting' | 'failing' | 'wrongKey';
  interface Side {
    proc: AppProcess;
    call: Api;
    dataDir: string;
    healthy: FakeService;
    /** the four other services (broken or not) */
    others: Record<FaultKind, FakeService>;
    user: { id: string; token: string };
    conv: string;
    bot: string;
    otherBots: Record<FaultKind, string>;
    /** TLS connections the wrong-key service had seen when it switched keys */
    wrongKeyConnections: number;
  }
  const sides: Side[] = [];
  let faulty: Side;

  /** live heap of an app: after a forced full GC */
  const heapUsed = async (side: Side) => {
    await forceGc(side.proc.pid);
    const m = await expectStatus('metrics', side.call('GET', '/i/metrics', { token: ADMIN_TOKEN }), 200);
    return Number(/^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(m.text)![1]);
  };
  const rename = (side: Side, name: string) =>
    expectStatus('rename', side.call('PUT', `/conversations/${side.conv}/name`, { token: side.user.token, body: { name } }), 200);
  const arrivals = (side: Side, tag: string, n: number) =>
    side.healthy.waitFor(() => {
      const evs = side.healthy.events(side.bot).filter((e) => e.type === 'conversation.rename' && String(e.event.data.name).startsWith(`${tag} `));
      return evs.length >= n ? evs : undefined;
    }, 30_000, `${n} "${tag}" events`);

  /** renames both sides' conversations in lockstep every PACE_MS; per side, how long each rename took to reach the healthy bot */
  const latencies = async (tag: string, n: number): Promise<number[][]> => {
    const sentAt = sides.map(() => new Map<string, number>());
    for (let i = 0; i < n; i++) {
      const name = `${tag} ${i}`;
      // the side that goes first alternates: starting first is a small advantage of its own
      await Promise.all(
        (i % 2 ? [...sides].reverse() : sides).map(async (side) => {
          const k = sides.indexOf(side);
          sentAt[k]!.set(name, Date.now());
          await rename(side, name);
        }),
      );
      await sleep(PACE_MS);
    }
    return Promise.all(sides.map(async (side, k) => (await arrivals(side, tag, n)).map((e) => e.receivedAt - sentAt[k]!.get(e.event.data.name)!)));
  };

  /** an app with the healthy service and four more in the same conversation, which break when `breakThem` */
  const startSide = async (breakThem: boolean): Promise<Side> => {
    const kinds: readonly FaultKind[] = ['hanging', 'resetting', 'failing', 'wrongKey'];
    const dataDir = mkdtempSync(join(tmpdir(), 'spp-faults-'));
    const proc = await startAppProcess(dataDir, { RATE_LIMITS: 'false' }, { nodeArgs: GC_ARGS });
    const call = api(proc.url);
    const healthy = await startFakeService();
    const faultyFakes = {} as Side['others'];
    for (const k of kinds) faultyFakes[k] = await startFakeService();
    const provider = await approvedProviderVia(call, 'faults@faults.example', PASSWORD);
    const user = await userVia(call, 'faults-user@example.com', PASSWORD);
    const service = async (fake: FakeService) => {
      const r = await expectStatus(
        'service',
        call('POST', '/provider/services', {
          token: provider.token,
          body: { name: 'S', summary: 's', description: 'd', base_url: fake.url, public_key: fake.publicKeyPem, auth_token: fake.authToken, tags: ['tutorial'] },
        }),
        201,
      );
      await expectStatus('enable', call('PUT', `/provider/services/${r.json.id}/connection`, { token: provider.token, body: { password: PASSWORD, enabled: true } }), 200);
      return r.json.id as string;
    };
    const add = async (c: string, sid: string) =>
      (await expectStatus('add bot', call('POST', `/conversations/${c}/bots`, { token: user.token, body: { provider: provider.id, service: sid } }), 201)).json.id as string;
    const conv = (await expectStatus('conversation', call('POST', '/conversations', { token: user.token, body: { users: [], name: 'c' } }), 201)).json.id as string;
    const bot = await add(conv, await service(healthy));
    const otherBots = {} as Side['otherBots'];
    for (const k of kinds) otherBots[k] = await add(conv, await service(faultyFakes[k]));
    // the services break only now: bots can only be added while a service answers
    if (breakThem) {
      faultyFakes.hanging.setBehaviour({ deliveries: 'hang' });
      faultyFakes.resetting!.setBehaviour({ deliveries: 'reset' });
      faultyFakes.failing!.setBehaviour({ deliveries: 500 });
      faultyFakes.wrongKey!.setTls('wrong-key');
    }
    const wrongKeyConnections = faultyFakes.wrongKey.handshakes.length + faultyFakes.wrongKey.tlsErrors.length;
    await healthy.waitForEvents(bot, 1 + kinds.length, 10_000);
    return { proc, call, dataDir, healthy, others: faultyFakes, user, conv, bot, otherBots, wrongKeyConnections };
  };

  beforeAll(async () => {
    await buildApp();
    sides.push(await startSide(false));
    sides.push((faulty = await startSide(true)));
  });
  afterAll(async () => {
    for (const side of sides) {
      await side.proc.kill();
      await Promise.all([side.healthy, ...Object.values(side.others)].map((f) => f.close()));
      rmSync(side.dataDir, { recursive: true, force: true });
    }
  });

  it(`a healthy service's delivery latency p99 stays within 1.2× of the run without faulty services (${BLOCKS} × ${SAMPLES} events each)`, async () => {
    await latencies('warm-up', 30);
    const blocks: { alone: number; mixed: number; ratio: number }[] = [];
    const all: number[][] = [[], []];
    for (let b = 0; b < BLOCKS; b++) {
      const [alone, mixed] = await latencies(`block${b}`, SAMPLES);
      all[0]!.push(...alone!);
      all[1]!.push(...mixed!);
      blocks.push({ alone: quantile(alone!, 0.99), mixed: quantile(mixed!, 0.99), ratio: quantile(mixed!, 0.99) / quantile(alone!, 0.99) });
    }
    const ratio = quantile(
      blocks.map((b) => b.ratio),
      0.5,
    );
    const figures = {
      alone: { p50: quantile(all[0]!, 0.5), p99: quantile(all[0]!, 0.99), max: Math.max(...all[0]!) },
      withFaultyServices: { p50: quantile(all[1]!, 0.5), p99: quantile(all[1]!, 0.99), max: Math.max(...all[1]!) },
      p99PerBlock: blocks.map((b) => `${b.alone}/${b.mixed}`).join(' '),
      medianRatio: Math.round(ratio * 100) / 100,
    };
    console.log(`[faults] delivery latency ms: ${JSON.stringify(figures)}`);
    // the faulty services really were hit while the healthy one was measured
    const f = faulty.others;
    expect(f.hanging.events(faulty.otherBots.hanging).filter((e) => e.answer === 'hang').length).toBeGreaterThan(0);
    expect(f.resetting.events(faulty.otherBots.resetting).filter((e) => e.answer === 'reset').length).toBeGreaterThan(0);
    expect(f.failing.events(faulty.otherBots.failing).filter((e) => e.answer === 500).length).toBeGreaterThan(0);
    expect(f.wrongKey.handshakes.length + f.wrongKey.tlsErrors.length).toBeGreaterThan(faulty.wrongKeyConnections);
    expect(ratio).toBeLessThanOrEqual(1.2);
  }, 120_000);

  it(`a flood of ${FLOOD} events: per-bot queues stop at 1000, the heap stays flat, the healthy bot gets everything`, async () => {
    const heap: number[] = [await heapUsed(faulty)];
    for (let i = 0; i < FLOOD; i++) {
      await rename(faulty, `flood ${i}`);
      if ((i + 1) % 300 === 0) heap.push(await heapUsed(faulty));
    }
    expect((await arrivals(faulty, 'flood', FLOOD)).length).toBe(FLOOD);
    await sleep(1_000);
    heap.push(await heapUsed(faulty));

    const db = new Database(join(faulty.dataDir, 'platform.db'), { readonly: true });
    const pending = db.prepare('SELECT bot_id AS bot, count(*) AS n FROM deliveries GROUP BY bot_id').all() as { bot: string; n: number }[];
    db.close();
    const metrics = await expectStatus('metrics', faulty.call('GET', '/i/metrics', { token: ADMIN_TOKEN }), 200);
    const deliveries = metrics.text.split('\n').filter((l) => l.startsWith('bot_deliveries_total'));
    const mb = (b: number) => Math.round(b / 1e5) / 10;
    const names = Object.fromEntries(Object.entries(faulty.otherBots).map(([k, b]) => [b, k]));
    console.log(
      `[faults] flood of ${FLOOD} events: heap MB after GC ${heap.map(mb).join(' → ')}; pending per bot ` +
        `${JSON.stringify(Object.fromEntries(pending.map((p) => [names[p.bot] ?? p.bot, p.n])))}; ${deliveries.join(', ')}`,
    );
    for (const p of pending) expect(p.n).toBeLessThanOrEqual(1000);
    expect(pending.find((p) => p.bot === faulty.bot)?.n ?? 0).toBe(0);
    // beyond the cap, events are dropped and counted, not kept
    expect(deliveries.some((l) => /outcome="dropped"/.test(l) && Number(l.split(' ').pop()) > 0)).toBe(true);
    // the live heap after the flood is within 16 MB of where it started: the queue lives in the database
    expect(heap.at(-1)! - heap[0]!).toBeLessThan(16 * 1024 * 1024);
  }, 90_000);
});
