import type { TeamRepo, TeamRow } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

export class MemoryTeamRepo implements TeamRepo {
  constructor(private readonly t: MemoryTx) {}
  private get teams() {
    return this.t.table<TeamRow>('host_teams');
  }
  async insert(team: TeamRow) {
    if (this.teams.has(team.id)) throw new Error(`duplicate team ${team.id}`);
    this.teams.set(team.id, { ...team });
  }
  async get(id: string) {
    const t = this.teams.get(id);
    return t ? { ...t } : undefined;
  }
  async delete(id: string) {
    this.teams.delete(id);
  }
}
