/**
 * Diagnostics for one scenario (not part of `npm run bench`): runs it small, counts and times every SQL statement and
 * transaction of the measured platform work per unit (event, add, request), and CPU-profiles the same interval.
 *
 *   npm run build && node --expose-gc bench/tools/trace.mjs fanout|addbot|botapi [profile.cpuprofile]
 *   (TRACE=0: profile only — the statement timing itself costs a few % of CPU)
 *   node bench/tools/profile-summary.mjs profile.cpuprofile 40 [filter]
 */
import { intervalProfiler } from './cpuProfile.mjs';
import { traceSql } from './sqlTrace.mjs';
import { fanout } from '../scenarios/fanout.mjs';
import { addBotOverhead } from '../scenarios/addBot.mjs';
import { botApi } from '../scenarios/botApi.mjs';

const [which = 'fanout', file = `/tmp/${which}.cpuprofile`] = process.argv.slice(2);
const prof = await intervalProfiler(file);
let tr;
let round = 0;
const noTrace = { start() {}, stop() {}, report: () => '(SQL trace off)' };
const trace = (app) => (process.env.TRACE === '0' ? noTrace : traceSql(app));
const log = (m) => process.stderr.write(`${m}\n`);

/** traces and profiles the second measured platform round (the first is the warm-up) */
const hooks = (units, unit) => ({
  platform: (app) => {
    tr = trace(app);
  },
  round: async (_kind, phase) => {
    if (phase === 'start') {
      if (++round === 2) {
        tr.start();
        await prof.start();
      }
    } else if (round === 2) {
      await prof.stop();
      tr.stop();
      console.log(tr.report(units, unit));
    }
  },
});

if (which === 'fanout') {
  const M = 20;
  await fanout({ B: 200, K: 10, M, reps: 1, log, hooks: hooks(200 * M, 'event') });
} else if (which === 'addbot') {
  const samples = 200;
  await addBotOverhead({ samples, perConversation: 10, reps: 1, log, hooks: hooks(samples, 'add') });
} else if (which === 'botapi') {
  await botApi({
    users: 4, bots: 10, connections: 16, warmupMs: 1000, durationMs: 5000, reps: 0, log,
    hooks: {
      platform: (app) => {
        tr = trace(app);
      },
      experiment: async ({ load, platformUrl }) => {
        await load(platformUrl);
        tr.start();
        await prof.start();
        const r = await load(platformUrl);
        await prof.stop();
        tr.stop();
        console.log(`${r.rps.toFixed(0)} req/s`);
        console.log(tr.report(r.requests * ((r.seconds + 1) / r.seconds), 'request'));
      },
    },
  });
} else throw new Error(`unknown scenario ${which}`);
console.log(`CPU profile of the traced interval: ${prof.save()}`);
process.exit(0);
