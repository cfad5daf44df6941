import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, run with `eval` so it needs no file of its own next to the compiled code (under
 * vitest the adapters run from their TypeScript sources). It opens its own connection to the database and runs a
 * passive checkpoint every `everyMs`: copying the WAL into the database file (and its fsync) then happens on another
 * thread, not inside the COMMIT of whichever request crossed SQLite's auto-checkpoint threshold.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage(String((e && e.message) || e));
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export const startCheckpointer = (file: string, everyMs: number, onError: (message: string) => void): Checkpointer => {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(PROGRAM, { eval: true, workerData: { file, everyMs, driver } });
  worker.on('message', (m: string) => onError(m));
  worker.on('error', (e) => onError(e.message));
  // a checkpoint worker must never keep a process alive that is otherwise done
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
};
