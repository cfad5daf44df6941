/** bots.md §1: one instance of a service in one conversation. A removed bot stays as a tombstone. */
export interface BotRecord {
  readonly id: string;
  readonly clientId: string;
  readonly providerId: string;
  readonly serviceId: string;
  readonly convId: string;
  readonly teamId: string | null;
  /** ms */
  readonly createdAt: number;
  readonly state: 'live' | 'removed';
}

export interface BotRepo {
  insert(bot: BotRecord): Promise<void>;
  get(id: string): Promise<BotRecord | undefined>;
  markRemoved(id: string): Promise<void>;
  /** live bots of a service, oldest first */
  listLiveByService(serviceId: string, limit: number): Promise<BotRecord[]>;
  /** live bots of a service in conversations of a team, oldest first */
  listLiveByServiceInTeam(serviceId: string, teamId: string): Promise<BotRecord[]>;
  /** whether any bot (live or removed) ever had this client id */
  clientIdTaken(clientId: string): Promise<boolean>;
  countLive(): Promise<number>;
}
