import type { Logger } from '@spp/domain';
import { pino, type DestinationStream } from 'pino';

/** Field names whose values never reach a log line, wherever they appear. */
const SECRET_PATHS = [
  'password',
  'old_password',
  'new_password',
  'token',
  'access_token',
  'auth_token',
  'auth_tokens',
  'authorization',
  'cookie',
  'code',
  '*.password',
  '*.token',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

export const createLogger = (level: string, destination?: DestinationStream): Logger & { raw: pino.Logger } => {
  const raw = pino({ level, redact: { paths: SECRET_PATHS, censor: '[redacted]' } }, destination);
  return {
    raw,
    debug: (f, m) => raw.debug(f, m),
    info: (f, m) => raw.info(f, m),
    warn: (f, m) => raw.warn(f, m),
    error: (f, m) => raw.error(f, m),
  };
};
