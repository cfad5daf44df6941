import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_APP_ENV } from '../../support/app.js';

export const REPO = join(import.meta.dirname, '../../..');
const MAIN = join(REPO, 'packages/app/dist/main.js');

const LOCK = join(tmpdir(), 'spp-reliability-build.lock');

/** test files run in parallel: one `tsc -b` at a time, so two builds never write the same outputs */
const withBuildLock = async <T>(fn: () => Promise<T>): Promise<T> => {
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // a lock older than any build is left over from a killed run
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if ((held && Date.now() - held.mtimeMs > 150_000) || Date.now() > until) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
};

/** Builds the app (`tsc -b`, incremental: quick when `npm test` already built it) so dist/main.js is current. */
export const buildApp = (): Promise<void> =>
  withBuildLock(async () => {
    try {
      await promisify(execFile)('npx', ['tsc', '-b', 'packages/app'], { cwd: REPO, timeout: 120_000 });
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`tsc -b packages/app failed:\n${out.stdout ?? ''}${out.stderr ?? ''}${out.message}`);
    }
    if (!existsSync(MAIN)) throw new Error(`${MAIN} missing after the build`);
  });

export interface AppProcess {
  readonly pid: number;
  readonly url: string;
  /** stdout + stderr lines so far */
  readonly logs: string[];
  /** SIGKILL: no shutdown hook runs, as in a power cut or an OOM kill */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit */
  stop(): Promise<void>;
}

/** node flags that let `forceGc` work: `startAppProcess(dir, env, { nodeArgs: GC_ARGS })` */
export const GC_ARGS = ['--expose-gc', '--require', join(import.meta.dirname, 'gcOnSignal.cjs')] as const;

/** asks a process started with GC_ARGS for a full garbage collection */
export const forceGc = async (pid: number): Promise<void> => {
  process.kill(pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
};

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Starts `node packages/app/dist/main.js` on its own port with the given data dir; resolves once it logs `listening` (LOG_LEVEL info or lower). */
export const startAppProcess = async (
  dataDir: string,
  env: Record<string, string> = {},
  options: { readonly timeoutMs?: number; readonly nodeArgs?: readonly string[] } = {},
): Promise<AppProcess> => {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      ...TEST_APP_ENV,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let partial = '';
  let onLine: ((line: string) => void) | undefined;
  const take = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      logs.push(l);
      onLine?.(l);
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not start within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app exited during startup (${code ?? signal}):\n${logs.join('\n')}`));
    });
    onLine = (l) => {
      try {
        const j = JSON.parse(l);
        if (j.msg === 'listening') {
          clearTimeout(timer);
          resolve(j.url);
        }
      } catch {
        // not a JSON log line
      }
    };
    for (const l of logs) onLine(l);
  });
  child.removeAllListeners('exit');
  return {
    pid: child.pid!,
    url,
    logs,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child);
    },
  };
};
