export interface TeamRow {
  readonly id: string;
  readonly name: string;
  readonly creator: string;
  /** ms */
  readonly createdAt: number;
}

/** Teams of the built-in host; membership and roles live on the users (UserRow.team/teamRole). */
export interface TeamRepo {
  insert(team: TeamRow): Promise<void>;
  get(id: string): Promise<TeamRow | undefined>;
  delete(id: string): Promise<void>;
}
