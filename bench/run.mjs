/**
 * `npm run bench`: the platform's performance targets, each measured as a ratio to a baseline taken in the same run
 * (this machine is small and shared, so absolute figures drift; ratios of interleaved repetitions hold).
 * Prints a table and writes bench/results/latest.json and latest.md (BENCH_OUT=<dir> to write elsewhere).
 *
 *   BENCH_QUICK=1       ~2 minute smoke variant (smaller worlds, shorter runs, same 5 repetitions)
 *   BENCH_ONLY=a,b      run only some scenarios: fanout, botapi, addbot, scale
 *   BENCH_TMP=<dir>     where the temporary data directories go (default: the OS temp dir)
 *   BENCH_LOG=1         keep the platform log in each data dir (default: /dev/null)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { fanout } from './scenarios/fanout.mjs';
import { botApi } from './scenarios/botApi.mjs';
import { addBotOverhead } from './scenarios/addBot.mjs';
import { scale } from './scenarios/scale.mjs';
import { renderMarkdown, renderText, targetRows } from './lib/report.mjs';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const outDir = process.env.BENCH_OUT ?? join(fileURLToPath(new URL('.', import.meta.url)), 'results');

const REPS = 5;
const config = quick
  ? {
      fanout: { B: 100, K: 5, M: 5, reps: REPS },
      botapi: { users: 4, bots: 10, connections: 16, warmupMs: 500, durationMs: 1500, reps: REPS },
      addbot: { samples: 100, perConversation: 10, reps: REPS },
      scale: { small: { bots: 1_000, services: 1_000 }, large: { bots: 50_000, services: 5_000 }, nAdd: 30, perConversation: 10, nToken: 100, nDirectory: 50, reps: REPS },
    }
  : {
      fanout: { B: 200, K: 10, M: 25, reps: REPS },
      botapi: { users: 4, bots: 10, connections: 16, warmupMs: 1000, durationMs: 5000, reps: REPS },
      addbot: { samples: 400, perConversation: 10, reps: REPS },
      scale: { small: { bots: 1_000, services: 1_000 }, large: { bots: 1_000_000, services: 100_000 }, nAdd: 100, perConversation: 10, nToken: 500, nDirectory: 200, reps: REPS },
    };

const started = Date.now();
const log = (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

const sqliteVersion = (() => {
  const db = new Database(':memory:');
  const v = db.prepare('SELECT sqlite_version() AS v').get().v;
  db.close();
  return v;
})();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  sqlite: sqliteVersion,
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
};
const command = `${quick ? 'BENCH_QUICK=1 ' : ''}${only ? `BENCH_ONLY=${[...only].join(',')} ` : ''}npm run bench`;
log(`${command} on ${machine.cores}× ${machine.cpu}, node ${machine.node}, SQLite ${machine.sqlite}`);

const scenarios = { fanout, botapi: botApi, addbot: addBotOverhead, scale };
const results = {};
for (const [name, fn] of Object.entries(scenarios)) {
  if (only && !only.has(name)) continue;
  const t = Date.now();
  log(`— ${name} —`);
  try {
    results[name] = await fn({ ...config[name], log });
  } catch (e) {
    log(`${name} failed: ${e?.stack ?? e}`);
    results[name] = { error: String(e?.message ?? e) };
  }
  results[name].seconds = Math.round((Date.now() - t) / 1000);
}

const report = {
  date: new Date().toISOString(),
  command,
  quick,
  machine,
  seconds: Math.round((Date.now() - started) / 1000),
  config,
  results,
  targets: targetRows(results),
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(outDir, 'latest.md'), renderMarkdown(report));
process.stdout.write(renderText(report));
log(`wrote ${join(outDir, 'latest.json')} and latest.md in ${report.seconds} s`);
process.exit(0);
