/**
 * Child process: closed-loop HTTP load with undici (C connections, each with one request in flight) against one URL
 * for a fixed time after a warm-up; reports requests/s and latency percentiles. Run in its own process so the load
 * generator never shares the event loop of the server it measures.
 */
import { Pool } from 'undici';
import { percentile } from './stats.mjs';

const { url, path, headers = {}, connections = 16, warmupMs = 1000, durationMs = 5000, expectStatus = 200 } = JSON.parse(process.argv[2]);

const pool = new Pool(url, { connections, pipelining: 1 });
let measuring = false;
let stop = false;
let ok = 0;
let bad = 0;
let all = 0;
const latencies = [];

const loop = async () => {
  while (!stop) {
    const t = performance.now();
    const res = await pool.request({ method: 'GET', path, headers });
    await res.body.dump();
    all++;
    if (!measuring) continue;
    if (res.statusCode === expectStatus) ok++;
    else bad++;
    latencies.push(performance.now() - t);
  }
};

const loops = Array.from({ length: connections }, loop);
await new Promise((r) => setTimeout(r, warmupMs));
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, durationMs));
measuring = false;
const seconds = (performance.now() - t0) / 1000;
const counted = ok;
stop = true;
await Promise.all(loops);
await pool.close();
process.send({
  type: 'result',
  requests: counted,
  allRequests: all,
  errors: bad,
  seconds,
  rps: counted / seconds,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
});
process.disconnect();
