import type { RouteDef } from './types.js';

export interface Compiled {
  readonly def: RouteDef;
  readonly regex: RegExp;
  readonly names: string[];
  /** the pattern, used as the metrics label */
  readonly pattern: string;
  /** declaration order: the first declared route of a path wins */
  readonly order: number;
}

const compile = (def: RouteDef, order: number): Compiled => {
  const names: string[] = [];
  const source = def.path
    .split('/')
    .map((seg) => {
      if (seg.startsWith('*')) {
        names.push(seg.slice(1));
        return '(.*)';
      }
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { def, regex: new RegExp(`^${source}$`), names, pattern: def.path, order };
};

/** first path segment: `/bot/conversation` → `bot` */
const firstSegment = (path: string): string => {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
};

const isLiteral = (seg: string) => !seg.startsWith(':') && !seg.startsWith('*');

/**
 * The JSON API's routes, bucketed by their literal first segment so a request tries a handful of patterns
 * instead of every one (the bot API's routes came 46th of 53 in one list).
 */
export class RouteTable {
  private readonly buckets = new Map<string, Compiled[]>();
  /** routes whose first segment is a parameter: candidates for every path */
  private readonly anywhere: Compiled[] = [];

  constructor(defs: readonly RouteDef[]) {
    defs.forEach((def, i) => {
      const r = compile(def, i);
      const seg = firstSegment(def.path);
      if (!isLiteral(seg)) this.anywhere.push(r);
      else (this.buckets.get(seg) ?? this.buckets.set(seg, []).get(seg)!).push(r);
    });
  }

  private candidates(path: string): readonly Compiled[] {
    const bucket = this.buckets.get(firstSegment(path)) ?? [];
    if (this.anywhere.length === 0) return bucket;
    return [...bucket, ...this.anywhere].sort((a, b) => a.order - b.order);
  }

  /** whether any route has this (normalised) path, whatever its method */
  has(path: string): boolean {
    return this.candidates(path).some((r) => r.regex.test(path));
  }

  /** the route of (method, path); `pathKnown` tells 405 from 404 when there is none */
  find(method: string, path: string): { route?: Compiled; groups?: RegExpExecArray; pathKnown: boolean } {
    let pathKnown = false;
    for (const r of this.candidates(path)) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (r.def.method === method) return { route: r, groups: m, pathKnown };
    }
    return { pathKnown };
  }
}
