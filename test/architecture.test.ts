import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = /from ['"](express|better-sqlite3|undici|pg|nodemailer|inversify|pino|zod|node:(http|https|net|tls|fs|dgram|child_process))['"]|from ['"][./]*\.\.\/(adapters|app)\//;

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('architecture', () => {
  it('keeps packages/domain free of I/O and framework imports (the arrows point inward)', () => {
    const offenders = files('packages/domain/src').flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => FORBIDDEN.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps packages/adapters independent of the app', () => {
    const offenders = files('packages/adapters/src').filter((f) => /from ['"]@spp\/app['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
