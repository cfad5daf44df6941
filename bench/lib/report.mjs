/** Turns the scenario results into target rows, a text table for the terminal and a Markdown table for the README. */

const fmtNum = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const range = (s, digits, unit = '') =>
  s ? `${fmtNum(s.median, digits)}${unit} [${fmtNum(s.min, digits)}–${fmtNum(s.max, digits)}]` : '—';

const n = (x) => (x >= 1e6 ? `${x / 1e6} M` : x >= 1e3 ? `${x / 1e3} k` : String(x));

/** One row per target: {scenario, measure, platform, baseline, result, target, met}. Errors become rows too. */
export function targetRows(results) {
  const rows = [];
  const err = (scenario, r) => rows.push({ scenario, measure: 'error', platform: '—', baseline: '—', result: r.error, target: '—', met: false });

  const f = results.fanout;
  if (f?.error) err('1. Fan-out', f);
  else if (f)
    rows.push({
      scenario: '1. Fan-out',
      measure: `events/s, ${f.params.B} bots over ${f.params.K} services, ${f.params.M} messages`,
      platform: range(f.platform, 0),
      baseline: `${range(f.baseline, 0)} raw undici`,
      result: range(f.ratio, 2, '×'),
      target: '≥ 0.9×',
      met: f.ratio.median >= 0.9,
    });

  const b = results.botapi;
  if (b?.error) err('2. Bot API', b);
  else if (b)
    rows.push({
      scenario: '2. Bot API',
      measure: `req/s GET /bot/conversation (${b.params.members} members, ${b.params.connections} connections)`,
      platform: range(b.platform, 0),
      baseline: `${range(b.baseline, 0)} bare Express`,
      result: range(b.ratio, 2, '×'),
      target: '≥ 0.6×',
      met: b.ratio.median >= 0.6,
    });

  const a = results.addbot;
  if (a?.error) err('3. Add-bot', a);
  else if (a) {
    rows.push({
      scenario: '3. Add-bot overhead',
      measure: `p50 ms, ${a.params.samples} sequential adds`,
      platform: range(a.addP50, 2),
      baseline: `${range(a.rawP50, 2)} raw POST /bots`,
      result: range(a.overheadP50, 2, ' ms'),
      target: '≤ 2 ms',
      met: a.overheadP50.median <= 2,
    });
    rows.push({
      scenario: '3. Add-bot overhead',
      measure: 'p99 ms (reported, no target)',
      platform: range(a.addP99, 2),
      baseline: `${range(a.rawP99, 2)} raw POST /bots`,
      result: range(a.overheadP99, 2, ' ms'),
      target: '—',
      met: undefined,
    });
  }

  const s = results.scale;
  if (s?.error) err('4. Scale', s);
  else if (s)
    for (const [op, v] of Object.entries(s.ops))
      rows.push({
        scenario: '4. Scale',
        measure: `${op}, p50 ms at ${n(s.params.large.bots)} bots / ${n(s.params.large.services)} services vs ${n(s.params.small.bots)} / ${n(s.params.small.services)}`,
        platform: range(v.large, 2),
        baseline: `${range(v.small, 2)} small DB`,
        result: range(v.ratio, 2, '×'),
        target: '≤ 1.5×',
        met: v.ratio.median <= 1.5,
      });
  return rows;
}

/** Main-process CPU per unit of work, platform vs baseline: steadier than throughput on a loaded machine. */
export function cpuRows(results) {
  const names = { fanout: '1. Fan-out', botapi: '2. Bot API', addbot: '3. Add-bot' };
  return Object.entries(names).flatMap(([k, label]) => {
    const c = results[k]?.cpuUsPerUnit;
    if (!c) return [];
    return [{ scenario: label, unit: c.unit, platform: range(c.platform, 0), baseline: range(c.baseline, 0), ratio: (c.baseline.median / c.platform.median).toFixed(2) }];
  });
}

const verdict = (met) => (met === undefined ? '—' : met ? 'met' : 'MISSED');

export function renderMarkdown(report) {
  const m = report.machine;
  const lines = [
    `Run of ${report.date} — \`${report.command}\` — ${report.seconds} s`,
    '',
    `Machine: ${m.cores}× ${m.cpu}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}, SQLite ${m.sqlite}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    'Figures: median of 5 repetitions [min–max]; ratios are medians of per-repetition ratios.',
    '',
    '| Scenario | Measure | Platform | Baseline | Ratio / overhead | Target | Result |',
    '|---|---|---|---|---|---|---|',
    ...report.targets.map((r) => `| ${r.scenario} | ${r.measure} | ${r.platform} | ${r.baseline} | ${r.result} | ${r.target} | ${verdict(r.met)} |`),
    '',
    'CPU time of the measuring process per unit of work (µs; the fake services and the load generator run in other processes):',
    '',
    '| Scenario | Unit | Platform | Baseline | Baseline ÷ platform |',
    '|---|---|---|---|---|',
    ...cpuRows(report.results).map((r) => `| ${r.scenario} | ${r.unit} | ${r.platform} | ${r.baseline} | ${r.ratio}× |`),
    '',
  ];
  return lines.join('\n');
}

export function renderText(report) {
  const head = ['Scenario', 'Measure', 'Platform', 'Baseline', 'Ratio/overhead', 'Target', 'Result'];
  const body = report.targets.map((r) => [r.scenario, r.measure, r.platform, r.baseline, r.result, r.target, verdict(r.met)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
  const m = report.machine;
  return [
    '',
    `${report.command} — ${m.cores}× ${m.cpu}, Node ${m.node}, SQLite ${m.sqlite} — median of 5 [min–max]`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...body.map(line),
    '',
    'CPU µs per unit in the measuring process (platform vs baseline):',
    ...cpuRows(report.results).map((r) => `  ${r.scenario.padEnd(12)} per ${r.unit.padEnd(8)} platform ${r.platform}, baseline ${r.baseline} → ${r.ratio}×`),
    '',
  ].join('\n');
}
