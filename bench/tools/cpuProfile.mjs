/**
 * Diagnostic: CPU-profiles only chosen intervals of a run (e.g. the measured platform rounds), merging them into one
 * .cpuprofile readable by profile-summary.mjs or Chrome DevTools. Uses the inspector in-process.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function intervalProfiler(file) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  const profiles = [];
  return {
    start: () => session.post('Profiler.start'),
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      profiles.push(profile);
    },
    save() {
      // concatenate: nodes get fresh ids per interval, samples and deltas appended
      const out = { nodes: [], startTime: 0, endTime: 0, samples: [], timeDeltas: [] };
      let offset = 0;
      for (const p of profiles) {
        let max = 0;
        for (const n of p.nodes) {
          out.nodes.push({ ...n, id: n.id + offset, children: (n.children ?? []).map((c) => c + offset) });
          max = Math.max(max, n.id);
        }
        out.samples.push(...p.samples.map((s) => s + offset));
        out.timeDeltas.push(...p.timeDeltas);
        out.endTime += p.endTime - p.startTime;
        offset += max + 1;
      }
      writeFileSync(file, JSON.stringify(out));
      return file;
    },
  };
}
