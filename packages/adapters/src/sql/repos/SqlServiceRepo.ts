import {
  prefixUpperBound,
  type DeliveryTarget,
  type DirectorySearch,
  type ServiceHealth,
  type ServiceRecord,
  type ServiceRepo,
  type ServiceState,
  type ServiceTag,
  type SortKey,
  type WhitelistSearch,
  compareCodePoints,
  compareSortKeys,
} from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';
import { pinnedKeysOf } from './pinnedKeys.js';
import { healthFromRow, SERVICE_COLUMNS, serviceColumnsOf, serviceFromRow, serviceToParams, type HealthRow, type ServiceRow } from './serviceRows.js';

/**
 * `AND` conditions for "name_key starts with prefix" and "(name_key, id) after the cursor", on columns `nk`/`id`.
 * With a cursor inside the prefix range, the row value alone is the lower bound, so the index walk starts at
 * the cursor instead of at the beginning of the range.
 */
const rangeConditions = (nk: string, id: string, prefix: string | undefined, after: SortKey | undefined) => {
  const sql: string[] = [];
  const params: unknown[] = [];
  const afterInRange = after !== undefined && (prefix === undefined || compareCodePoints(after.nameKey, prefix) >= 0);
  if (afterInRange) {
    sql.push(`(${nk}, ${id}) > (?, ?)`);
    params.push(after.nameKey, after.id);
  } else if (prefix !== undefined) {
    sql.push(`${nk} >= ?`);
    params.push(prefix);
  }
  if (prefix !== undefined) {
    const upper = prefixUpperBound(prefix);
    if (upper !== undefined) {
      sql.push(`${nk} < ?`);
      params.push(upper);
    }
  }
  return { sql: sql.map((s) => ` AND ${s}`).join(''), params };
};

export class SqlServiceRepo implements ServiceRepo {
  constructor(private readonly db: SqlExecutor) {}

  async get(id: string): Promise<ServiceRecord | undefined> {
    const r = await this.db.get<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE id = ?`, [id]);
    return r ? serviceFromRow(r) : undefined;
  }

  async stateOf(id: string): Promise<ServiceState | undefined> {
    return (await this.db.get<{ state: ServiceState }>('SELECT state FROM services WHERE id = ?', [id]))?.state;
  }

  async deliveryTarget(id: string): Promise<DeliveryTarget | undefined> {
    const r = await this.db.get<Pick<ServiceRow, 'state' | 'base_url' | 'auth_tokens' | 'public_keys'> & Partial<HealthRow>>(
      `SELECT s.state, s.base_url, s.auth_tokens, s.public_keys, h.consecutive_failures, h.delivered, h.failed, h.gone,
         h.dropped, h.last_error, h.last_error_at, h.last_success_at, h.penalised, h.probe_at, h.backoff_ms
       FROM services s LEFT JOIN service_health h ON h.service_id = s.id WHERE s.id = ?`,
      [id],
    );
    if (!r) return undefined;
    return {
      state: r.state as ServiceState,
      endpoint: {
        serviceId: id,
        baseUrl: r.base_url,
        pinnedKeys: pinnedKeysOf(r.public_keys),
        authToken: (JSON.parse(r.auth_tokens) as string[])[0] ?? '',
      },
      health: r.consecutive_failures === undefined || r.consecutive_failures === null ? undefined : healthFromRow(r as HealthRow),
    };
  }

  async put(s: ServiceRecord): Promise<void> {
    const cols = SERVICE_COLUMNS.split(', ');
    const updates = cols
      .filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    await this.db.run(
      `INSERT INTO services (${SERVICE_COLUMNS}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
      serviceToParams(s),
    );
    // the tag index lists enabled services only, under their current name
    await this.db.run('DELETE FROM service_tags WHERE service_id = ?', [s.id]);
    if (s.state === 'enabled')
      for (const tag of s.tags)
        await this.db.run('INSERT INTO service_tags (tag, name_key, service_id) VALUES (?, ?, ?)', [tag, s.nameKey, s.id]);
  }

  async delete(id: string): Promise<void> {
    await this.db.run('DELETE FROM service_tags WHERE service_id = ?', [id]);
    await this.db.run('DELETE FROM team_whitelist WHERE service_id = ?', [id]);
    await this.db.run('DELETE FROM service_health WHERE service_id = ?', [id]);
    await this.db.run('DELETE FROM services WHERE id = ?', [id]);
  }

  async listByProvider(providerId: string, states: readonly ServiceState[]): Promise<ServiceRecord[]> {
    if (states.length === 0) return [];
    const rows = await this.db.all<ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM services WHERE provider_id = ? AND state IN (${states.map(() => '?').join(', ')}) ORDER BY name_key, id`,
      [providerId, ...states],
    );
    return rows.map(serviceFromRow);
  }

  async search(q: DirectorySearch): Promise<ServiceRecord[]> {
    if (q.tagGroups === undefined) {
      const r = rangeConditions('name_key', 'id', q.prefix, q.after);
      const rows = await this.db.all<ServiceRow>(
        `SELECT ${SERVICE_COLUMNS} FROM services WHERE state = 'enabled'${r.sql} ORDER BY name_key, id LIMIT ?`,
        [...r.params, q.limit],
      );
      return rows.map(serviceFromRow);
    }
    // one index walk per OR-group, merged here: each group's first page already holds the merged page's share
    const byId = new Map<string, ServiceRecord>();
    for (const group of q.tagGroups) for (const s of await this.searchGroup(group, q)) byId.set(s.id, s);
    return [...byId.values()].sort(compareSortKeys).slice(0, q.limit);
  }

  /** services carrying every tag of `group`: walks the first tag's index range, checks the others by key */
  private async searchGroup(group: readonly ServiceTag[], q: DirectorySearch): Promise<ServiceRecord[]> {
    const [first, ...rest] = group;
    if (first === undefined) return [];
    const r = rangeConditions('t.name_key', 't.service_id', q.prefix, q.after);
    const others = rest.map(() => ' AND EXISTS (SELECT 1 FROM service_tags o WHERE o.service_id = t.service_id AND o.tag = ?)').join('');
    const rows = await this.db.all<ServiceRow>(
      `SELECT ${serviceColumnsOf('s')} FROM service_tags t JOIN services s ON s.id = t.service_id
       WHERE t.tag = ?${r.sql}${others} AND s.state = 'enabled'
       ORDER BY t.name_key, t.service_id LIMIT ?`,
      [first, ...r.params, ...rest, q.limit],
    );
    return rows.map(serviceFromRow);
  }

  async getHealth(serviceId: string): Promise<ServiceHealth | undefined> {
    const r = await this.db.get<HealthRow>('SELECT * FROM service_health WHERE service_id = ?', [serviceId]);
    return r ? healthFromRow(r) : undefined;
  }

  async putHealth(serviceId: string, h: ServiceHealth): Promise<void> {
    await this.db.run(
      `INSERT INTO service_health (service_id, consecutive_failures, delivered, failed, gone, dropped, last_error, last_error_at,
         last_success_at, penalised, probe_at, backoff_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (service_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, delivered = excluded.delivered,
         failed = excluded.failed, gone = excluded.gone, dropped = excluded.dropped, last_error = excluded.last_error,
         last_error_at = excluded.last_error_at, last_success_at = excluded.last_success_at, penalised = excluded.penalised,
         probe_at = excluded.probe_at, backoff_ms = excluded.backoff_ms`,
      [
        serviceId,
        h.consecutiveFailures,
        h.delivered,
        h.failed,
        h.gone,
        h.dropped,
        h.lastError,
        h.lastErrorAt,
        h.lastSuccessAt,
        h.penalised ? 1 : 0,
        h.probeAt,
        h.backoffMs,
      ],
    );
  }

  async isWhitelisted(teamId: string, serviceId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS one FROM team_whitelist WHERE team_id = ? AND service_id = ?', [teamId, serviceId])) !== undefined;
  }

  async addToWhitelist(teamId: string, serviceId: string, now: number): Promise<boolean> {
    const n = await this.db.run(
      'INSERT INTO team_whitelist (team_id, service_id, created_at) VALUES (?, ?, ?) ON CONFLICT (team_id, service_id) DO NOTHING',
      [teamId, serviceId, now],
    );
    return n > 0;
  }

  async removeFromWhitelist(teamId: string, serviceId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM team_whitelist WHERE team_id = ? AND service_id = ?', [teamId, serviceId])) > 0;
  }

  async searchWhitelist(q: WhitelistSearch): Promise<ServiceRecord[]> {
    const states: ServiceState[] = q.includeDisabled ? ['enabled', 'disabled'] : ['enabled'];
    const r = rangeConditions('s.name_key', 's.id', q.prefix, q.after);
    const rows = await this.db.all<ServiceRow>(
      `SELECT ${serviceColumnsOf('s')} FROM team_whitelist w JOIN services s ON s.id = w.service_id
       WHERE w.team_id = ? AND s.state IN (${states.map(() => '?').join(', ')})${r.sql}
       ORDER BY s.name_key, s.id LIMIT ?`,
      [q.teamId, ...states, ...r.params, q.limit],
    );
    return rows.map(serviceFromRow);
  }

  async deleteWhitelistOfTeam(teamId: string): Promise<void> {
    await this.db.run('DELETE FROM team_whitelist WHERE team_id = ?', [teamId]);
  }
}
