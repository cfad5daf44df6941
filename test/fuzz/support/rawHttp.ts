import { Agent, request } from 'node:http';

/** A request exactly as the fuzzer built it: any method, raw path, any headers, any body bytes. */
export interface RawRequest {
  readonly method: string;
  /** request target as sent, e.g. `/v3/provider/services/%zz?size=-1` */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** local address to connect from (127.x.y.z) so per-IP limits can be exercised over loopback */
  readonly localAddress?: string;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** parsed JSON, undefined when empty or not JSON */
  readonly json: any;
}

/** keep-alive keeps 20 000 requests from exhausting ephemeral ports */
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * node:http rather than fetch: fetch forbids some methods and headers and normalises paths, and the point here is
 * to send what a hostile client would.
 */
export const rawRequest = (baseUrl: string, r: RawRequest, timeoutMs = 10_000): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const u = new URL(baseUrl);
    // explicit framing: node:http sends a GET body unframed otherwise, and the server reads it as the next request
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: r.method,
        path: r.path,
        headers,
        agent: r.localAddress ? false : agent,
        ...(r.localAddress ? { localAddress: r.localAddress } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${r.method} ${r.path.slice(0, 200)}`)));
    req.on('error', reject);
    req.end(r.body);
  });

/** a value node:http accepts in a header (no control characters, latin1 only) */
export const headerSafe = (s: string): string => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** percent-encodes every byte node:http refuses in a request target, leaving existing escapes (valid or not) alone */
export const targetSafe = (s: string): string => {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
};
