import type { TeamRepo, TeamRow } from '@spp/domain';
import type { SqlExecutor } from '../SqlDriver.js';

interface Row {
  id: string;
  name: string;
  creator: string;
  created_at: number;
}

export class SqlTeamRepo implements TeamRepo {
  constructor(private readonly db: SqlExecutor) {}
  async insert(team: TeamRow) {
    await this.db.run('INSERT INTO host_teams (id, name, creator, created_at) VALUES (?, ?, ?, ?)', [team.id, team.name, team.creator, team.createdAt]);
  }
  async get(id: string) {
    const r = await this.db.get<Row>('SELECT id, name, creator, created_at FROM host_teams WHERE id = ?', [id]);
    return r ? { id: r.id, name: r.name, creator: r.creator, createdAt: Number(r.created_at) } : undefined;
  }
  async delete(id: string) {
    await this.db.run('DELETE FROM host_teams WHERE id = ?', [id]);
  }
}
