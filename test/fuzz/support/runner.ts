import { join } from 'node:path';
import { initProteus, bundle } from '../../host/support.js';
import { rejectedChangedSomething, responseViolations } from './invariants.js';
import { rawRequest, type RawRequest, type RawResponse } from './rawHttp.js';
import { sqliteSnapshotter, type Snapshotter, type StoreSnapshot } from './snapshot.js';
import { buildFuzzWorld, type FuzzWorld } from './world.js';

/**
 * Total requests the fuzz suite sends: `FUZZ_RUNS` (`npm run test:fuzz` sets 20 000), default 2 000 for CI.
 * Each file takes its share; example-based cases come on top.
 */
export const fuzzRuns = (): number => {
  const n = Number(process.env.FUZZ_RUNS ?? 2_000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
  return n;
};

/** fast-check seed: set FUZZ_SEED to replay a failure */
export const fuzzSeed = (): number | undefined => (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined);

const ROTATE_EVERY = 500;

/** generous per-test budget: ~15 ms a request plus shrinking headroom */
export const budgetMs = (runs: number) => 60_000 + runs * 15;

export interface FuzzHarness {
  readonly world: FuzzWorld;
  /** requests sent so far */
  readonly sent: number;
  /** status counts per label (`<status> <route or seed>`) */
  readonly statuses: Map<string, Map<number, number>>;
  /** sends one request, checks every invariant, and throws with the whole exchange on a violation */
  send(req: RawRequest, label: string): Promise<RawResponse>;
  stop(): Promise<void>;
}

const prekeys = new Map<number, string>();
/** a real Proteus prekey bundle, cached: generating one per request would dominate the run */
export const prekey = (id: number): string => {
  let k = prekeys.get(id);
  if (!k) prekeys.set(id, (k = bundle(id)));
  return k;
};

const explain = (req: RawRequest, res: RawResponse, problems: readonly string[], previous: string) => {
  const body = req.body === undefined ? '' : Buffer.from(req.body).toString('utf8');
  return [
    `previous exchange: ${previous}`,
    `fuzz invariant violated: ${problems.join('; ')}`,
    `request: ${req.method} ${req.path.slice(0, 500)}`,
    `headers: ${JSON.stringify(req.headers).slice(0, 500)}`,
    `body (${body.length} chars): ${body.slice(0, 500)}`,
    `response: ${res.status} ${JSON.stringify(res.headers).slice(0, 400)}`,
    `response body: ${res.text.slice(0, 800)}`,
  ].join('\n');
};

export const startFuzzHarness = async (): Promise<FuzzHarness> => {
  await initProteus();
  const world = await buildFuzzWorld();
  const snap: Snapshotter = sqliteSnapshotter(join(world.app.dataDir, 'platform.db'));
  let before: StoreSnapshot = snap.take();
  const statuses = new Map<string, Map<number, number>>();
  let sent = 0;
  let previous = '(none)';
  return {
    world,
    get sent() {
      return sent;
    },
    statuses,
    async send(req, label) {
      const res = await rawRequest(world.app.url, req);
      sent++;
      const perLabel = statuses.get(label) ?? new Map<number, number>();
      perLabel.set(res.status, (perLabel.get(res.status) ?? 0) + 1);
      statuses.set(label, perLabel);
      const after = snap.take();
      const problems = responseViolations(req, res);
      const changed = rejectedChangedSomething(res, snap.changed(before, after));
      if (changed) problems.push(changed);
      before = after;
      if (res.status < 400 && (req.method === 'DELETE' || req.method === 'PUT')) {
        // a fuzzed request may have deleted or disabled part of the world: rebuild it so later requests still go deep
        await world.repair();
        before = snap.take();
      }
      if (sent % ROTATE_EVERY === 0) {
        // bots added by fuzzed requests pile up in the conversation and every event fans out to all of them
        // (workers are off, so their queues only grow): a fresh conversation keeps the cost per request flat
        await world.rotate();
        before = snap.take();
      }
      const exchange = `${req.method} ${req.path.slice(0, 200)} ${req.body === undefined ? '' : Buffer.from(req.body).toString('utf8').slice(0, 300)} → ${res.status} ${res.text.slice(0, 200)}`;
      if (problems.length > 0) throw new Error(explain(req, res, problems, previous));
      previous = exchange;
      return res;
    },
    async stop() {
      snap.close();
      await world.stop();
    },
  };
};
