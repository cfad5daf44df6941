import type { ServiceHealth } from '../../bot/health.js';
import type { ServiceRecord, ServiceState } from '../../service/model.js';
import type { ServiceTag } from '../../service/tags.js';
import type { ServiceEndpoint } from '../ServiceClient.js';

/** What one event delivery reads of its service, in one lookup: whether to send, where, and the breaker. */
export interface DeliveryTarget {
  readonly state: ServiceState;
  readonly endpoint: ServiceEndpoint;
  /** undefined when none was stored */
  readonly health: ServiceHealth | undefined;
}

/** A position in a (nameKey, id)-ordered list: results start strictly after it. */
export interface SortKey {
  readonly nameKey: string;
  readonly id: string;
}

/** `GET /services`: enabled services matching any tag group (all tags of a group) and/or a name-key prefix. */
export interface DirectorySearch {
  /** OR of AND-groups; undefined = no tag condition */
  readonly tagGroups?: readonly (readonly ServiceTag[])[];
  /** already lowercased */
  readonly prefix?: string;
  readonly after?: SortKey;
  readonly limit: number;
}

/** `GET /teams/{tid}/services/whitelisted`: whitelisted, non-deleting services of one team. */
export interface WhitelistSearch {
  readonly teamId: string;
  /** already lowercased */
  readonly prefix?: string;
  readonly includeDisabled: boolean;
  readonly after?: SortKey;
  readonly limit: number;
}

/**
 * Storage of services, their health records and the team whitelists. Lists are ordered by (nameKey by code
 * point, id). `put` keeps whatever the directory search needs (e.g. a tag index of enabled services) in step.
 */
export interface ServiceRepo {
  get(id: string): Promise<ServiceRecord | undefined>;
  /** the state alone (every queued event checks it) */
  stateOf(id: string): Promise<ServiceState | undefined>;
  /** read before every delivery attempt, so it is narrower than `get` */
  deliveryTarget(id: string): Promise<DeliveryTarget | undefined>;
  /** insert or replace */
  put(service: ServiceRecord): Promise<void>;
  /** removes the service row and everything keyed by it (tag index, health, whitelist rows) */
  delete(id: string): Promise<void>;
  /** every service of the provider in the given states */
  listByProvider(providerId: string, states: readonly ServiceState[]): Promise<ServiceRecord[]>;
  /** enabled services only, at most `limit`, in order */
  search(query: DirectorySearch): Promise<ServiceRecord[]>;

  /** undefined when none was stored */
  getHealth(serviceId: string): Promise<ServiceHealth | undefined>;
  putHealth(serviceId: string, health: ServiceHealth): Promise<void>;

  isWhitelisted(teamId: string, serviceId: string): Promise<boolean>;
  /** true when the row was added */
  addToWhitelist(teamId: string, serviceId: string, now: number): Promise<boolean>;
  /** true when a row was removed */
  removeFromWhitelist(teamId: string, serviceId: string): Promise<boolean>;
  searchWhitelist(query: WhitelistSearch): Promise<ServiceRecord[]>;
  /** a deleted team's whitelist */
  deleteWhitelistOfTeam(teamId: string): Promise<void>;
}
