import type { IncomingMessage } from 'node:http';
import { fail } from '@spp/domain';

export const MAX_BODY_BYTES = 256 * 1024;

/** Reads the raw body up to the limit; more → 413 (the rest is drained, not buffered). */
export const readBody = (req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(fail('payload-too-large', `Request body larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () =>
      tooLarge ? reject(fail('payload-too-large', `Request body larger than ${limit} bytes.`)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', () => reject(fail('bad-request', 'The request body could not be read.')));
  });

/**
 * Strict RFC 8259 parsing with one tolerance: raw LF, CR and TAB inside strings are taken as the characters
 * themselves (provider tooling pastes PEM files verbatim). They are escaped before JSON.parse sees them.
 */
export const parseJsonTolerant = (text: string): unknown => {
  let out = '';
  let inString = false;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // skip the escaped character
      else if (ch === 0x22) inString = false;
      else if (ch === 0x0a || ch === 0x0d || ch === 0x09) {
        out += text.slice(last, i) + (ch === 0x0a ? '\\n' : ch === 0x0d ? '\\r' : '\\t');
        last = i + 1;
      }
    } else if (ch === 0x22) inString = true;
  }
  out += text.slice(last);
  try {
    return JSON.parse(out);
  } catch {
    throw fail('bad-request', 'Malformed JSON in request body.');
  }
};

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export const isJsonContentType = (value: string | undefined): boolean => value !== undefined && JSON_TYPE.test(value.trim());
