import type { BotRecord, BotRepo } from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

const byAge = (a: BotRecord, b: BotRecord) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryBotRepo implements BotRepo {
  constructor(private readonly t: MemoryTx) {}
  private get bots() {
    return this.t.table<BotRecord>('bots');
  }
  async insert(bot: BotRecord) {
    if (this.bots.has(bot.id) || (await this.clientIdTaken(bot.clientId))) throw new Error('duplicate bot');
    this.bots.set(bot.id, { ...bot });
  }
  async get(id: string) {
    const b = this.bots.get(id);
    return b && { ...b };
  }
  async markRemoved(id: string) {
    const b = this.bots.get(id);
    if (b) this.bots.set(id, { ...b, state: 'removed' });
  }
  async listLiveByService(serviceId: string, limit: number) {
    return [...this.bots.values()].filter((b) => b.serviceId === serviceId && b.state === 'live').sort(byAge).slice(0, limit);
  }
  async listLiveByServiceInTeam(serviceId: string, teamId: string) {
    return [...this.bots.values()].filter((b) => b.serviceId === serviceId && b.teamId === teamId && b.state === 'live').sort(byAge);
  }
  async clientIdTaken(clientId: string) {
    for (const b of this.bots.values()) if (b.clientId === clientId) return true;
    return false;
  }
  async countLive() {
    let n = 0;
    for (const b of this.bots.values()) if (b.state === 'live') n++;
    return n;
  }
}
