import { connect, type Socket } from 'node:net';

/** A raw TCP conversation with an HTTP server: for what no HTTP client will send (slow bytes, broken framing). */
export interface RawExchange {
  /** everything the server wrote */
  readonly text: string;
  /** ms from connect until the server closed the connection, or undefined if it was still open at `maxMs` */
  readonly closedAfterMs: number | undefined;
  /** status of the first response, if any */
  readonly status: number | undefined;
}

export interface SlowWriter {
  readonly socket: Socket;
  /** resolves when the server closes the connection or after maxMs */
  readonly done: Promise<RawExchange>;
  stop(): void;
}

/**
 * Connects, writes `head`, then (optionally) one byte of `drip` every `dripEveryMs` until the server closes the
 * connection or `maxMs` passes.
 */
export const rawExchange = (
  url: string,
  head: string | Buffer,
  opts: { readonly drip?: string; readonly dripEveryMs?: number; readonly maxMs: number },
): SlowWriter => {
  const u = new URL(url);
  const started = Date.now();
  const socket = connect(Number(u.port), u.hostname);
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  let i = 0;
  const done = new Promise<RawExchange>((resolve) => {
    let closed: number | undefined;
    const finish = () => {
      if (timer) clearInterval(timer);
      clearTimeout(limit);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, closedAfterMs: closed, status: m ? Number(m[1]) : undefined });
    };
    const limit = setTimeout(() => {
      socket.destroy();
      finish();
    }, opts.maxMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = Date.now() - started;
      finish();
    });
  });
  socket.on('connect', () => {
    socket.write(head);
    if (opts.drip !== undefined)
      timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return;
        socket.write(opts.drip![i++ % opts.drip!.length]!);
      }, opts.dripEveryMs ?? 200);
  });
  return {
    socket,
    done,
    stop: () => {
      if (timer) clearInterval(timer);
      socket.destroy();
    },
  };
};
