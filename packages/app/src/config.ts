import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Typed configuration from the environment; every variable is optional (README "Configuration"). */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly publicUrl: string;
  readonly providerApproval: 'staff' | 'auto';
  readonly approvalEmail: string;
  readonly adminToken: string | undefined;
  readonly internalApi: boolean;
  readonly outboundTls13: boolean;
  readonly serviceAddresses: 'any' | 'public';
  readonly providerTokenTtl: number;
  readonly userTokenTtl: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  readonly domain: string;
  readonly rateLimits: boolean;
  readonly mailFrom: string;
  /** how long a durable job stays with an instance that stopped renewing it (a crashed one) */
  readonly jobLeaseMs: number;
  /** derived: the signing key list */
  readonly keyFile: string;
  readonly sqliteFile: string;
  readonly outboxDir: string;
}

export class ConfigError extends Error {}

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
const url = (protocols: string[]) =>
  z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

const schema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  PROVIDER_APPROVAL: z.enum(['staff', 'auto']).default('staff'),
  APPROVAL_EMAIL: z.string().min(3).default('staff@localhost'),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  INTERNAL_API: bool.default(false),
  OUTBOUND_TLS13: bool.default(false),
  SERVICE_ADDRESSES: z.enum(['any', 'public']).default('any'),
  PROVIDER_TOKEN_TTL: int(1, 10 * 365 * 86400).default(86400),
  USER_TOKEN_TTL: int(1, 10 * 365 * 86400).default(86400),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  DOMAIN: z.string().min(1).optional(),
  RATE_LIMITS: bool.default(true),
  MAIL_FROM: z.string().min(3).optional(),
  JOB_LEASE_SECONDS: int(1, 3600).default(60),
});

/** Reads the environment; an invalid value throws a ConfigError naming the variable. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const present = Object.fromEntries(Object.keys(schema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  const domain = c.DOMAIN ?? new URL(publicUrl).hostname;
  const dataDir = resolve(c.DATA_DIR);
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir,
    databaseUrl: c.DATABASE_URL,
    smtpUrl: c.SMTP_URL,
    publicUrl,
    providerApproval: c.PROVIDER_APPROVAL,
    approvalEmail: c.APPROVAL_EMAIL,
    adminToken: c.ADMIN_TOKEN,
    internalApi: c.INTERNAL_API,
    outboundTls13: c.OUTBOUND_TLS13,
    serviceAddresses: c.SERVICE_ADDRESSES,
    providerTokenTtl: c.PROVIDER_TOKEN_TTL,
    userTokenTtl: c.USER_TOKEN_TTL,
    logLevel: c.LOG_LEVEL,
    domain,
    rateLimits: c.RATE_LIMITS,
    mailFrom: c.MAIL_FROM ?? `no-reply@${domain}`,
    jobLeaseMs: c.JOB_LEASE_SECONDS * 1000,
    keyFile: join(dataDir, 'keys', 'zauth.json'),
    sqliteFile: join(dataDir, 'platform.db'),
    outboxDir: join(dataDir, 'outbox'),
  };
};
