import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildApp {
  readonly url: string;
  readonly process: ChildProcess;
  readonly logs: string[];
  /** SIGKILL: no shutdown hooks, leases and half-done work stay as they are */
  kill(): Promise<void>;
}

/**
 * Runs the built app (`packages/app/dist/main.js`, built by `npm test`'s `tsc -b`) as a separate process, as an
 * operator would, and resolves with its URL once it listens.
 */
export const startChildApp = (env: Record<string, string>, timeoutMs = 20_000): Promise<ChildApp> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/app/dist/main.js'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    const timer = setTimeout(() => reject(new Error(`child app did not start: ${logs.join('\n')}`)), timeoutMs);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    createInterface({ input: child.stderr! }).on('line', (l) => logs.push(l));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve({
            url: entry.url,
            process: child,
            logs,
            kill: async () => {
              child.kill('SIGKILL');
              await exited;
            },
          });
        }
      } catch {
        // not a JSON log line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child app exited with ${code}: ${logs.join('\n')}`));
    });
  });
