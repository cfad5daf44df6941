import {
  compareSortKeys,
  endpointOf,
  type DeliveryTarget,
  type DirectorySearch,
  type ServiceHealth,
  type ServiceRecord,
  type ServiceRepo,
  type ServiceState,
  type SortKey,
  type WhitelistSearch,
} from '@spp/domain';
import type { MemoryTx } from '../MemoryDb.js';

interface WhitelistRow {
  readonly teamId: string;
  readonly serviceId: string;
  readonly createdAt: number;
}

const copy = (s: ServiceRecord): ServiceRecord => ({
  ...s,
  authTokens: [...s.authTokens],
  keys: s.keys.map((k) => ({ ...k, der: new Uint8Array(k.der) })),
  assets: s.assets.map((a) => ({ ...a })),
  tags: [...s.tags],
  identityFingerprints: [...s.identityFingerprints],
});

const inRange = (s: ServiceRecord, prefix: string | undefined, after: SortKey | undefined) =>
  (prefix === undefined || s.nameKey.startsWith(prefix)) && (after === undefined || compareSortKeys(s, after) > 0);

const page = (list: ServiceRecord[], limit: number) => list.sort(compareSortKeys).slice(0, limit).map(copy);

const wlKey = (teamId: string, serviceId: string) => `${teamId}/${serviceId}`;

export class MemoryServiceRepo implements ServiceRepo {
  constructor(private readonly t: MemoryTx) {}

  private get services() {
    return this.t.table<ServiceRecord>('services');
  }
  private get health() {
    return this.t.table<ServiceHealth>('service_health');
  }
  private get whitelist() {
    return this.t.table<WhitelistRow>('team_whitelist');
  }

  async get(id: string) {
    const s = this.services.get(id);
    return s ? copy(s) : undefined;
  }

  async stateOf(id: string) {
    return this.services.get(id)?.state;
  }

  async deliveryTarget(id: string): Promise<DeliveryTarget | undefined> {
    const s = this.services.get(id);
    if (!s) return undefined;
    return { state: s.state, endpoint: endpointOf(copy(s)), health: await this.getHealth(id) };
  }

  async put(s: ServiceRecord) {
    this.services.set(s.id, copy(s));
  }

  async delete(id: string) {
    this.services.delete(id);
    this.health.delete(id);
    for (const [k, w] of this.whitelist) if (w.serviceId === id) this.whitelist.delete(k);
  }

  async listByProvider(providerId: string, states: readonly ServiceState[]) {
    const list = [...this.services.values()].filter((s) => s.providerId === providerId && states.includes(s.state));
    return page(list, Infinity);
  }

  async search(q: DirectorySearch) {
    const groups = q.tagGroups;
    const list = [...this.services.values()].filter(
      (s) =>
        s.state === 'enabled' &&
        inRange(s, q.prefix, q.after) &&
        (groups === undefined || groups.some((g) => g.every((tag) => s.tags.includes(tag)))),
    );
    return page(list, q.limit);
  }

  async getHealth(serviceId: string) {
    const h = this.health.get(serviceId);
    return h ? { ...h } : undefined;
  }

  async putHealth(serviceId: string, h: ServiceHealth) {
    this.health.set(serviceId, { ...h });
  }

  async isWhitelisted(teamId: string, serviceId: string) {
    return this.whitelist.has(wlKey(teamId, serviceId));
  }

  async addToWhitelist(teamId: string, serviceId: string, now: number) {
    const k = wlKey(teamId, serviceId);
    if (this.whitelist.has(k)) return false;
    this.whitelist.set(k, { teamId, serviceId, createdAt: now });
    return true;
  }

  async removeFromWhitelist(teamId: string, serviceId: string) {
    return this.whitelist.delete(wlKey(teamId, serviceId));
  }

  async searchWhitelist(q: WhitelistSearch) {
    const states: ServiceState[] = q.includeDisabled ? ['enabled', 'disabled'] : ['enabled'];
    const list = [...this.whitelist.values()]
      .filter((w) => w.teamId === q.teamId)
      .map((w) => this.services.get(w.serviceId))
      .filter((s): s is ServiceRecord => s !== undefined && states.includes(s.state) && inRange(s, q.prefix, q.after));
    return page(list, q.limit);
  }

  async deleteWhitelistOfTeam(teamId: string) {
    for (const [k, w] of this.whitelist) if (w.teamId === teamId) this.whitelist.delete(k);
  }
}
