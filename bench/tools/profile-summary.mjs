/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and by inclusive ("total") time, with
 * file:line, as percentages of the sampled time. Usage: node bench/tools/profile-summary.mjs <file> [top=30] [filter]
 */
import { readFileSync } from 'node:fs';

const [file, topArg = '30', filter] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const short = (u) => u.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, 'nm/');
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const incl = new Map();
for (const [id, t] of dt) {
  const n = nodes.get(id);
  self.set(key(n), (self.get(key(n)) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(nodes.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const top = Number(topArg);
const show = (title, m) => {
  console.log(`\n${title} (total ${(total / 1000).toFixed(0)} ms)`);
  [...m]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, t]) => console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`));
};
/** self time grouped by where the code lives (package, node internals, native, GC) */
const groupOf = (k) => {
  const at = k.lastIndexOf(' ');
  const url = k.slice(at + 1);
  if (k.startsWith('(garbage collector)')) return 'GC';
  if (k.startsWith('(idle)') || k.startsWith('(program)')) return '(idle/program)';
  if (url.startsWith(':') || url.startsWith('wasm')) return url.startsWith('wasm') ? 'wasm (libsodium)' : `native: ${k.slice(0, at)}`;
  if (url.startsWith('nm/')) return `npm: ${url.slice(3).split('/')[0].startsWith('@') ? url.slice(3).split('/').slice(0, 2).join('/') : url.slice(3).split('/')[0]}`;
  if (url.startsWith('node:')) return 'node internals';
  const m = /^packages\/([^/]+)\/dist\/([^/]+)/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return url.split(':')[0];
};
const groups = new Map();
for (const [k, t] of self) groups.set(groupOf(k), (groups.get(groupOf(k)) ?? 0) + t);
show('self time', self);
show('inclusive time', incl);
show('self time by module', groups);
