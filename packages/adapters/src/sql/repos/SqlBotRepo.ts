import type { BotRecord, BotRepo } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  id: string;
  client_id: string;
  provider_id: string;
  service_id: string;
  conv_id: string;
  team_id: string | null;
  created_at: number | string;
  state: string;
}

const COLS = 'id, client_id, provider_id, service_id, conv_id, team_id, created_at, state';

const toBot = (r: Row): BotRecord => ({
  id: r.id,
  clientId: r.client_id,
  providerId: r.provider_id,
  serviceId: r.service_id,
  convId: r.conv_id,
  teamId: r.team_id,
  createdAt: Number(r.created_at),
  state: r.state === 'live' ? 'live' : 'removed',
});

export class SqlBotRepo implements BotRepo {
  constructor(private readonly db: SqlExecutor) {}

  async insert(b: BotRecord): Promise<void> {
    await this.db.run(`INSERT INTO bots (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      b.id,
      b.clientId,
      b.providerId,
      b.serviceId,
      b.convId,
      b.teamId,
      b.createdAt,
      b.state,
    ]);
  }

  async get(id: string): Promise<BotRecord | undefined> {
    const r = await this.db.get<Row>(`SELECT ${COLS} FROM bots WHERE id = ?`, [id]);
    return r && toBot(r);
  }

  async markRemoved(id: string): Promise<void> {
    await this.db.run("UPDATE bots SET state = 'removed' WHERE id = ?", [id]);
  }

  async listLiveByService(serviceId: string, limit: number): Promise<BotRecord[]> {
    const rows = await this.db.all<Row>(
      `SELECT ${COLS} FROM bots WHERE service_id = ? AND state = 'live' ORDER BY created_at, id LIMIT ?`,
      [serviceId, limit],
    );
    return rows.map(toBot);
  }

  async listLiveByServiceInTeam(serviceId: string, teamId: string): Promise<BotRecord[]> {
    const rows = await this.db.all<Row>(
      `SELECT ${COLS} FROM bots WHERE service_id = ? AND team_id = ? AND state = 'live' ORDER BY created_at, id`,
      [serviceId, teamId],
    );
    return rows.map(toBot);
  }

  async clientIdTaken(clientId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS x FROM bots WHERE client_id = ?', [clientId])) !== undefined;
  }

  async countLive(): Promise<number> {
    const r = await this.db.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM bots WHERE state = 'live'");
    return Number(r?.n ?? 0);
  }
}
