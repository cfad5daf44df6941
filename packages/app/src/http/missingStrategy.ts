import { fail, normaliseUuid, type MissingStrategy } from '@spp/domain';

const idList = (value: string, name: string): string[] =>
  value.split(',').map((raw) => {
    const id = normaliseUuid(raw.trim());
    if (!id) throw fail('bad-request', `${name}: expected true, false or a comma-separated list of user ids`);
    return id;
  });

const one = (q: Readonly<Record<string, string | string[]>>, name: string): string | undefined => {
  const v = q[name];
  if (Array.isArray(v)) throw fail('bad-request', `${name}: given more than once`);
  return v;
};

/**
 * "Which missing clients block sending" (bots.md §6), the first that applies: body `report_missing`,
 * query `ignore_missing`, query `report_missing`, else report all.
 */
export const missingStrategy = (
  query: Readonly<Record<string, string | string[]>>,
  bodyReportMissing: readonly string[] | undefined,
): MissingStrategy => {
  const ignore = one(query, 'ignore_missing');
  const report = one(query, 'report_missing');
  if (bodyReportMissing !== undefined) return { kind: 'report-only', users: bodyReportMissing };
  if (ignore !== undefined) {
    if (ignore === 'true') return { kind: 'ignore-all' };
    if (ignore === 'false') return { kind: 'report-all' };
    return { kind: 'ignore-only', users: idList(ignore, 'ignore_missing') };
  }
  if (report !== undefined) {
    if (report === 'true') return { kind: 'report-all' };
    if (report === 'false') return { kind: 'ignore-all' };
    return { kind: 'report-only', users: idList(report, 'report_missing') };
  }
  return { kind: 'report-all' };
};
