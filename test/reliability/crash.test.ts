import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { startFakeService, type FakeService } from '../support/fakeService.js';
import { api, approvedProviderVia, expectStatus, userVia, type Api } from './support/api.js';
import { buildApp, startAppProcess, type AppProcess } from './support/child.js';

/**
 * Crash safety (README "Storage, durability": nothing acknowledged to a client is lost by a crash; long cascades
 * are durable jobs that resume). The real app runs as a child process on SQLite; a write load runs against it and
 * it is SIGKILLed at random moments, restarted on the same DATA_DIR and checked.
 */

const KILLS = 22;
const PASSWORD = 'crash test password';
/** mulberry32: the kill schedule is reproducible with CRASH_SEED */
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const rng = (() => {
  let a = SEED;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the clients sent and which answers came back 2xx. */
interface Ledger {
  registrations: { email: string; cycle: number; id?: string }[];
  /** per service: the serial number of the last name sent and the last one acknowledged */
  updates: Map<string, { sent: number; acked: number }>;
  profile: { sent: number; acked: number };
  conversations: { id: string; cycle: number }[];
  bots: Map<string, { conv: string; cycle: number }>;
  deletions: { serviceId: string; acked: boolean; cycle: number }[];
  /** 5xx answers seen under load (there must be none) */
  serverErrors: string[];
}

describe('crash safety: SIGKILL under write load, on SQLite', () => {
  let fake: FakeService;
  let dataDir: string;
  let proc: AppProcess | undefined;
  // a killed worker's job lease must run out before another process resumes the job: 5 s instead of 60
  const env = { RATE_LIMITS: 'false', JOB_LEASE_SECONDS: '5' };

  beforeAll(async () => {
    await buildApp();
    fake = await startFakeService();
    dataDir = mkdtempSync(join(tmpdir(), 'spp-crash-'));
  });
  afterAll(async () => {
    await proc?.kill();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`loses no acknowledged write and leaves nothing half-done across ${KILLS} SIGKILLs; durable jobs finish after restart`, async () => {
    console.log(`[crash] CRASH_SEED=${SEED}`);
    const started = Date.now();
    proc = await startAppProcess(dataDir, env);
    let call: Api = api(proc.url);

    // the world the load writes into
    const provider = await approvedProviderVia(call, `crash-${SEED}@crash.example`, PASSWORD);
    const user = await userVia(call, `crash-user-${SEED}@example.com`, PASSWORD);
    const newService = async (name: string) => {
      const r = await expectStatus(
        'service',
        call('POST', '/provider/services', {
          token: provider.token,
          body: { name, summary: 's', description: 'd', base_url: fake.url, public_key: fake.publicKeyPem, auth_token: fake.authToken, tags: ['tutorial'] },
        }),
        201,
      );
      await expectStatus('enable', call('PUT', `/provider/services/${r.json.id}/connection`, { token: provider.token, body: { password: PASSWORD, enabled: true } }), 200);
      return r.json.id as string;
    };
    const conversation = async () =>
      (await expectStatus('conversation', call('POST', '/conversations', { token: user.token, body: { users: [], name: 'Crash' } }), 201)).json.id as string;
    const updated = [await newService('v0'), await newService('v0')];
    const botService = await newService('Bots');
    // two services with 60 and 20 bots, deleted under load: their deletion jobs must survive the kills
    const doomed: { serviceId: string; bots: { id: string; conv: string }[] }[] = [];
    for (let d = 0; d < 2; d++) {
      const serviceId = await newService(`Doomed ${d}`);
      const bots: { id: string; conv: string }[] = [];
      for (let c = 0; c < (d === 0 ? 6 : 2); c++) {
        const conv = await conversation();
        for (let b = 0; b < 10; b++)
          bots.push({
            id: (await expectStatus('doomed bot', call('POST', `/conversations/${conv}/bots`, { token: user.token, body: { provider: provider.id, service: serviceId } }), 201)).json.id,
            conv,
          });
      }
      doomed.push({ serviceId, bots });
    }
    const setupMs = Date.now() - started;

    const ledger: Ledger = {
      registrations: [],
      updates: new Map(updated.map((s) => [s, { sent: 0, acked: 0 }])),
      profile: { sent: 0, acked: 0 },
      conversations: [],
      bots: new Map(),
      deletions: [],
      serverErrors: [],
    };
    const note5xx = (what: string, status: number, text: string) => {
      if (status >= 500) ledger.serverErrors.push(`${what}: ${status} ${text}`);
    };

    /** runs the write load until `stop`; every loop stops at its first network failure (the kill) */
    const load = (cycle: number) => {
      let stopped = false;
      const loops: Promise<void>[] = [];
      const loop = (body: () => Promise<void>) =>
        loops.push(
          (async () => {
            while (!stopped) {
              try {
                await body();
              } catch {
                return; // connection refused or reset: the app is gone
              }
            }
          })(),
        );
      let regN = 0;
      for (let w = 0; w < 2; w++)
        loop(async () => {
          const entry: Ledger['registrations'][number] = { email: `reg-${SEED}-${cycle}-${w}-${++regN}@crash.example`, cycle };
          ledger.registrations.push(entry);
          const r = await call('POST', '/provider/register', {
            body: { name: 'Load', email: entry.email, url: 'https://load.example/', description: 'Load.', password: PASSWORD },
          });
          note5xx('register', r.status, r.text);
          if (r.status === 201) entry.id = r.json.id;
        });
      for (const sid of updated)
        loop(async () => {
          const u = ledger.updates.get(sid)!;
          const n = ++u.sent;
          const r = await call('PUT', `/provider/services/${sid}`, { token: provider.token, body: { name: `v${n}` } });
          note5xx('update', r.status, r.text);
          if (r.status === 200) u.acked = Math.max(u.acked, n);
        });
      loop(async () => {
        const n = ++ledger.profile.sent;
        const r = await call('PUT', '/provider', { token: provider.token, body: { description: `d${n}` } });
        note5xx('profile', r.status, r.text);
        if (r.status === 200) ledger.profile.acked = Math.max(ledger.profile.acked, n);
      });
      let conv: string | undefined;
      loop(async () => {
        if (!conv) {
          const r = await call('POST', '/conversations', { token: user.token, body: { users: [], name: `Cycle ${cycle}` } });
          note5xx('conversation', r.status, r.text);
          if (r.status === 201) ledger.conversations.push({ id: (conv = r.json.id as string), cycle });
          return;
        }
        const r = await call('POST', `/conversations/${conv}/bots`, { token: user.token, body: { provider: provider.id, service: botService } });
        note5xx('add bot', r.status, r.text);
        if (r.status === 201) ledger.bots.set(r.json.id, { conv, cycle });
      });
      let deletion: Promise<boolean> = Promise.resolve(false);
      if (cycle < doomed.length) {
        const d: Ledger['deletions'][number] = { serviceId: doomed[cycle]!.serviceId, acked: false, cycle };
        ledger.deletions.push(d);
        deletion = (async () => {
          try {
            const r = await call('DELETE', `/provider/services/${d.serviceId}`, { token: provider.token, body: { password: PASSWORD } });
            note5xx('delete service', r.status, r.text);
            d.acked = r.status === 202;
          } catch {
            // killed before the answer
          }
          return d.acked;
        })();
        loops.push(deletion.then(() => undefined));
      }
      return {
        deletion,
        stop: async () => {
          stopped = true;
          await Promise.all(loops);
        },
      };
    };

    const killDelays: number[] = [];
    let removedAtFirstKill = 0;
    let jobsLeftByFirstKill = 0;
    for (let cycle = 0; cycle < KILLS; cycle++) {
      const running = load(cycle);
      const loadStart = Date.now();
      if (cycle === 0) {
        // the first kill aims at the deletion job: right after its first page of bots is removed (it takes
        // milliseconds, so the test watches the bots table through its own read-only connection)
        const spy = new Database(join(dataDir, 'platform.db'), { readonly: true });
        const removed = spy.prepare("SELECT count(*) FROM bots WHERE service_id = ? AND state = 'removed'").pluck();
        const until = Date.now() + 20_000;
        while ((removed.get(doomed[0]!.serviceId) as number) === 0 && Date.now() < until) await new Promise((r) => setImmediate(r));
        process.kill(proc.pid, 'SIGKILL');
        spy.close();
      } else await sleep(150 + rng() * 600);
      killDelays.push(Date.now() - loadStart);
      await proc.kill();
      await running.stop();
      if (cycle === 0) {
        // the state on disk as the kill left it: the job is still there, and each bot of the service is either removed
        // completely (bot row, tombstone user and membership together) or untouched
        const spy = new Database(join(dataDir, 'platform.db'), { readonly: true });
        jobsLeftByFirstKill = spy.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
        const state = spy.prepare(
          `SELECT b.state AS bot, u.deleted AS deleted, (SELECT count(*) FROM host_members m WHERE m.conv_id = b.conv_id AND m.user_id = b.id) AS member
           FROM bots b JOIN host_users u ON u.id = b.id WHERE b.id = ?`,
        );
        for (const b of doomed[0]!.bots) {
          const row = state.get(b.id) as { bot: string; deleted: number; member: number };
          const removed = row.bot === 'removed';
          if (removed) removedAtFirstKill++;
          expect({ deleted: row.deleted === 1, member: row.member === 1 }, `bot ${b.id} (${row.bot})`).toEqual({ deleted: removed, member: !removed });
        }
        spy.close();
      }
      proc = await startAppProcess(dataDir, env);
      call = api(proc.url);
      // right after the restart: this cycle's acknowledged writes are there
      for (const r of ledger.registrations.filter((x) => x.cycle === cycle && x.id))
        expect((await call('GET', `/i/provider/activation-code?email=${encodeURIComponent(r.email)}`, { token: ADMIN_TOKEN })).status, r.email).toBe(200);
      for (const [sid, u] of ledger.updates) {
        const s = await expectStatus('service', call('GET', `/provider/services/${sid}`, { token: provider.token }), 200);
        expect(Number(String(s.json.name).slice(1)), `service ${sid} after kill ${cycle + 1}`).toBeGreaterThanOrEqual(u.acked);
      }
    }
    const loadMs = Date.now() - started - setupMs;

    // --- the full check, on the restarted app ---
    expect(ledger.serverErrors).toEqual([]);
    expect(jobsLeftByFirstKill, 'the first kill interrupted the deletion job').toBe(1);

    // registrations: acknowledged ones exist with their activation code; others exist completely or not at all
    const listed = new Map<string, string>();
    for (const status of ['registered', 'active', 'approved']) {
      let cursor: string | undefined;
      do {
        const page = await expectStatus(
          'providers',
          call('GET', `/i/providers?status=${status}&size=500${cursor ? `&cursor=${cursor}` : ''}`, { token: ADMIN_TOKEN }),
          200,
        );
        for (const p of page.json.providers) listed.set(p.email, p.id);
        cursor = page.json.has_more ? page.json.next : undefined;
      } while (cursor);
    }
    const acked = ledger.registrations.filter((r) => r.id);
    for (const r of acked) expect(listed.get(r.email), `acknowledged registration ${r.email}`).toBe(r.id);
    let halfDone = 0;
    for (const r of ledger.registrations) {
      const code = await call('GET', `/i/provider/activation-code?email=${encodeURIComponent(r.email)}`, { token: ADMIN_TOKEN });
      if (listed.has(r.email) !== (code.status === 200)) halfDone++;
    }
    expect(halfDone, 'providers without their activation code, or codes without their provider').toBe(0);

    // serial updates: the stored value is the last acknowledged one or a later one that was in flight
    for (const [sid, u] of ledger.updates) {
      const s = await expectStatus('service', call('GET', `/provider/services/${sid}`, { token: provider.token }), 200);
      const n = Number(String(s.json.name).slice(1));
      expect(n).toBeGreaterThanOrEqual(u.acked);
      expect(n).toBeLessThanOrEqual(u.sent);
    }
    const self = await expectStatus('provider', call('GET', '/provider', { token: provider.token }), 200);
    const d = Number(String(self.json.description).slice(1));
    expect(d).toBeGreaterThanOrEqual(ledger.profile.acked);
    expect(d).toBeLessThanOrEqual(ledger.profile.sent);

    // conversations and bots: every acknowledged one is there; every bot the service saw is all there or not at all
    const members = new Map<string, Set<string>>();
    for (const c of ledger.conversations) {
      const r = await expectStatus('conversation', call('GET', `/conversations/${c.id}`, { token: user.token }), 200);
      members.set(c.id, new Set(r.json.members.others.map((m: { id: string }) => m.id)));
    }
    const doomedBots = new Set(doomed.flatMap((x) => x.bots.map((b) => b.id)));
    const seen = fake.newBotRequests().map((q) => ({ id: q.id as string, conv: q.conversation?.id as string }));
    const botState = async (id: string, conv: string) => {
      const token = fake.bots.get(id)?.token;
      const selfStatus = token ? (await call('GET', '/bot/self', { token })).status : 0;
      const userStatus = (await call('GET', `/users/${id}`, { token: user.token })).status;
      return { member: members.get(conv)?.has(id) ?? false, self: selfStatus, user: userStatus };
    };
    const inconsistent: string[] = [];
    for (const { id, conv } of seen.filter((b) => !doomedBots.has(b.id))) {
      const s = await botState(id, conv);
      const ok = ledger.bots.has(id)
        ? s.member && s.self === 200 && s.user === 200
        : (s.member && s.self === 200 && s.user === 200) || (!s.member && s.self !== 200 && s.user === 404);
      if (!ok) inconsistent.push(`${id} acked=${ledger.bots.has(id)} ${JSON.stringify(s)}`);
    }
    expect(inconsistent).toEqual([]);
    expect(ledger.bots.size).toBeGreaterThan(0);

    // durable deletions: an acknowledged deletion hides the service at once and its job removes every bot, even when
    // a kill interrupted it (once the killed worker's lease, JOB_LEASE_SECONDS, has run out)
    const jobsStarted = Date.now();
    for (const del of ledger.deletions) {
      const bots = doomed.find((x) => x.serviceId === del.serviceId)!.bots.map((b) => b.id);
      const svc = await call('GET', `/provider/services/${del.serviceId}`, { token: provider.token });
      if (del.acked) expect(svc.status, `deleted service ${del.serviceId}`).toBe(404);
      if (svc.status === 200) {
        // the deletion never committed: the service and all its bots are intact
        for (const b of bots) expect((await call('GET', `/users/${b}`, { token: user.token })).json?.deleted).toBeUndefined();
        continue;
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        // a removed bot's user stays as a tombstone: `"deleted": true` (host.md §1)
        const left = (await Promise.all(bots.map(async (b) => (await call('GET', `/users/${b}`, { token: user.token })).json?.deleted))).filter((x) => x !== true).length;
        if (left === 0) break;
        if (Date.now() > deadline) throw new Error(`deletion job of ${del.serviceId} did not finish: ${left} bots left`);
        await sleep(250);
      }
      for (const b of bots) {
        const token = fake.bots.get(b)!.token;
        expect((await call('GET', '/bot/self', { token })).status, `token of removed bot ${b}`).not.toBe(200);
      }
    }
    const jobWaitMs = Date.now() - jobsStarted;

    // mail is queued in the registration's transaction: every acknowledged registration's activation mail is sent,
    // or still queued when a killed worker had claimed it (MAIL_LEASE_MS = 5 min before another try)
    const outbox = join(dataDir, 'outbox');
    const mailDeadline = Date.now() + 3_000;
    let unsent: string[] = acked.map((r) => r.email);
    while (unsent.length > 0 && Date.now() < mailDeadline) {
      await sleep(200);
      const mails = readdirSync(outbox)
        .filter((f) => f.endsWith('.eml'))
        .map((f) => readFileSync(join(outbox, f), 'utf8'));
      unsent = unsent.filter((e) => !mails.some((m) => m.includes(`To: ${e}`)));
    }

    // one last kill, then the file itself: intact, no dangling references, the unsent mails still queued
    await proc.kill();
    proc = undefined;
    const db = new Database(join(dataDir, 'platform.db'));
    let leasedMails: { recipient: string; next_attempt_at: number }[] = [];
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      leasedMails = db
        .prepare("SELECT recipient, next_attempt_at FROM mail_queue WHERE purpose = 'ProviderActivation' AND status = 'pending'")
        .all() as typeof leasedMails;
    } finally {
      db.close();
    }
    const queued = new Set(leasedMails.map((m) => m.recipient));
    expect(unsent.filter((e) => !queued.has(e)), 'activation mails neither sent nor queued').toEqual([]);

    console.log(
      `[crash] ${KILLS} kills at ${killDelays.join(',')} ms into the load; acknowledged: ${acked.length} registrations, ` +
        `${[...ledger.updates.values()].reduce((a, u) => a + u.acked, 0) + ledger.profile.acked} updates, ${ledger.conversations.length} conversations, ` +
        `${ledger.bots.size} bot adds, ${ledger.deletions.filter((x) => x.acked).length} service deletions ` +
        `(the first killed mid-job with ${removedAtFirstKill} of 60 bots removed); ` +
        `unacknowledged in flight: ${ledger.registrations.length - acked.length} registrations, ${seen.length - ledger.bots.size - doomedBots.size} bot adds; ` +
        `activation mails still queued after the crashes: ${unsent.length}; ` +
        `setup ${setupMs} ms, load+restarts ${loadMs} ms, waiting for jobs ${jobWaitMs} ms, total ${Date.now() - started} ms`,
    );
  }, 180_000);
});
