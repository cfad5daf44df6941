/** Parent side of the bench's child processes (fake services, load generator): fork, typed waits, cleanup. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const live = new Set();
process.on('exit', () => {
  for (const c of live) c.kill();
});

/** Forks `file` (relative to lib/) with a JSON argument; resolves with the child and its first message. */
export function spawnChild(file, arg) {
  const child = fork(here(file), [JSON.stringify(arg ?? {})], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** The next message of `type` from the child (rejects when it exits first or after timeoutMs). */
export function nextMessage(child, type, timeoutMs = 120_000, filter = () => true) {
  return new Promise((resolve, reject) => {
    const onMsg = (m) => {
      if (m?.type === type && filter(m)) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`child exited (${code}) while waiting for ${type}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

/** The fake services child: `{services:[{url, port, publicKeyPem, authToken}], newBotResponse, expect(), stats(), close()}`. */
export async function startFakeServices(count) {
  const child = spawnChild('./fakeServices.mjs', { count });
  const ready = await nextMessage(child, 'ready');
  let rounds = 0;
  return {
    services: ready.services,
    newBotResponse: ready.newBotResponse,
    /** arms a round; returns a promise of its 'done' message (every bot got `perBot` otr events) */
    async expect(bots, perBot, { capture = false, timeoutMs = 300_000 } = {}) {
      const round = ++rounds;
      const armed = nextMessage(child, 'expecting', 10_000, (m) => m.round === round);
      const done = nextMessage(child, 'done', timeoutMs, (m) => m.round === round);
      child.send({ cmd: 'expect', round, bots, perBot, capture });
      await armed;
      return { done };
    },
    async stats() {
      const s = nextMessage(child, 'stats', 10_000);
      child.send({ cmd: 'stats' });
      return s;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'close' });
      await exited;
    },
  };
}

/** Runs the load generator child once; resolves with `{requests, errors, seconds, rps, p50, p99}`. */
export async function runLoad(opts) {
  const child = spawnChild('./loadgen.mjs', opts);
  return nextMessage(child, 'result', (opts.warmupMs ?? 1000) + (opts.durationMs ?? 5000) + 30_000);
}
