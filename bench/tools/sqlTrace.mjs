/**
 * Diagnostic (not part of `npm run bench`): counts and times every SQL statement, transaction and read unit of a
 * running platform's SQLite driver, by patching the driver instance (no product code changes). Used to attribute a
 * scenario's time to statements: `const t = traceSql(app); t.reset(); …; t.report(events)`.
 */
export function traceSql(app) {
  const d = app.ctx.deps.store.driver;
  const stats = new Map();
  let tx = 0;
  let reads = 0;
  let execMs = 0;
  let on = false;
  const commits = [];
  const add = (key, ms) => {
    const s = stats.get(key) ?? stats.set(key, { n: 0, ms: 0 }).get(key);
    s.n++;
    s.ms += ms;
  };
  const origStmt = d.stmt.bind(d);
  const wrapped = new Map();
  d.stmt = (sql) => {
    let w = wrapped.get(sql);
    if (!w) {
      const s = origStmt(sql);
      const time = (f) => (...a) => {
        const t = performance.now();
        try {
          return f.apply(s, a);
        } finally {
          if (on) add(sql.replace(/\s+/g, ' ').slice(0, 110), performance.now() - t);
        }
      };
      w = { reader: s.reader, all: time(s.all), get: time(s.get), run: time(s.run) };
      wrapped.set(sql, w);
    }
    return w;
  };
  const db = d.db;
  const origExec = db.exec.bind(db);
  db.exec = (sql) => {
    const t = performance.now();
    try {
      return origExec(sql);
    } finally {
      if (on) {
        const ms = performance.now() - t;
        execMs += ms;
        add(sql, ms);
        if (sql === 'COMMIT') commits.push(ms);
      }
    }
  };
  const origTx = d.transaction.bind(d);
  d.transaction = (fn) => {
    if (on) tx++;
    return origTx(fn);
  };
  const origRead = d.read.bind(d);
  d.read = (fn) => {
    if (on) reads++;
    return origRead(fn);
  };
  return {
    start() {
      stats.clear();
      tx = 0;
      reads = 0;
      execMs = 0;
      commits.length = 0;
      on = true;
    },
    stop() {
      on = false;
    },
    report(perUnits, unitName) {
      const total = [...stats.values()].reduce((a, s) => a + s.ms, 0);
      const lines = [`transactions ${tx} (${(tx / perUnits).toFixed(2)}/${unitName}), read units ${reads} (${(reads / perUnits).toFixed(2)}/${unitName}), statement+BEGIN/COMMIT time ${total.toFixed(0)} ms (${((total / perUnits) * 1000).toFixed(0)} µs/${unitName}), of which BEGIN/COMMIT ${execMs.toFixed(0)} ms`];
      if (commits.length) {
        const c = [...commits].sort((a, b) => a - b);
        const q = (p) => (c[Math.min(c.length - 1, Math.floor(p * c.length))] * 1000).toFixed(0);
        lines.push(`COMMIT µs: p50 ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${q(1)}; the slowest 1% take ${((c.slice(Math.floor(c.length * 0.99)).reduce((a, b) => a + b, 0) / c.reduce((a, b) => a + b, 0)) * 100).toFixed(0)}% of commit time`);
      }
      for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
        lines.push(`${String(s.n).padStart(7)} × ${((s.ms / s.n) * 1000).toFixed(1).padStart(6)} µs = ${s.ms.toFixed(0).padStart(5)} ms  (${(s.n / perUnits).toFixed(2)}/${unitName})  ${k}`);
      return lines.join('\n');
    },
  };
}
