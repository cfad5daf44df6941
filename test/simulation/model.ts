/**
 * The model of the platform the lifecycle properties check against: what the spec says should be true, kept
 * as plain data and updated by each command *before* the real outcome is compared with it. It knows nothing of
 * the implementation; it only reads the harness's outputs (the fake services' call log, the captured mail).
 */

export type ProviderStatus = 'registered' | 'active' | 'approved' | 'rejected' | 'deleted' | 'purged';
export type ServiceState = 'disabled' | 'enabled' | 'deleting' | 'gone';
export type CreateMode = 'created' | 'conflict' | 'error' | 'hang' | 'slow' | 'down';
export type DeliveryMode = 'ok' | 'gone' | 'error' | 'hang' | 'slow' | 'down' | 'refuse';
export type Role = 'wire_admin' | 'wire_member';

export const ACTIVATION_TTL = 24 * 3600_000;
export const APPROVAL_TTL = 14 * 24 * 3600_000;
/** an item older than this when its turn comes is dropped (minus a margin for time that passes while settling) */
export const ITEM_AGE_LIMIT = 3600_000 - 10 * 60_000;

export interface MProvider {
  readonly n: number;
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly password: string;
  status: ProviderStatus;
  readonly createdAt: number;
  /** the activation code: used yet, and still stored (provider deletion and purges delete codes) */
  activationUsed: boolean;
  activationStored: boolean;
  /** the approval code mailed to staff at activation */
  approval: { createdAt: number; used: boolean; stored: boolean } | undefined;
}

/** What the fake service behind a service does (the environment, configured by commands). */
export interface FakeEnv {
  createMode: CreateMode;
  deliveryMode: DeliveryMode;
  /** bearer tokens it accepts (others get 401) */
  accepts: string[];
  /** the key it presents on TLS */
  presents: number;
}

export interface MService {
  readonly n: number;
  readonly id: string;
  readonly providerIdx: number;
  state: ServiceState;
  /** auth tokens as the platform stores them; the first is sent */
  tokens: string[];
  /** registered key numbers */
  keys: number[];
  readonly env: FakeEnv;
  /** a failure since the breaker was last reset: it may be open, so items may be dropped */
  mayBePenalised: boolean;
  /** by the one team of the simulated world */
  whitelisted: boolean;
}

export interface MUser {
  readonly id: string;
  readonly clientId: string;
  readonly teamRole: 'owner' | 'admin' | 'member' | null;
}

export interface MMember {
  readonly id: string;
  readonly bot: boolean;
  readonly role: Role;
}

export interface MConv {
  readonly n: number;
  readonly id: string;
  readonly team: boolean;
  /** the creating user (always wire_admin) */
  readonly creator: string;
  members: MMember[];
  service: boolean;
  deleted: boolean;
}

/** One event the model expects a bot's service to receive. */
export interface Expected {
  readonly sig: string;
  /** the spec allows it not to arrive (service disabled or broken meanwhile, breaker, 410, age) */
  mayDrop: boolean;
  /** entries with the same non-zero group may arrive in any order among themselves */
  readonly group: number;
  /** when it was queued */
  readonly at: number;
}

export type Removal = 'own-leave' | 'no-final' | 'orphan' | 'silent';

export interface MBot {
  readonly id: string;
  readonly clientId: string;
  readonly token: string;
  readonly serviceIdx: number;
  readonly convIdx: number;
  state: 'live' | 'removed';
  /** how it was removed (for diagnostics) */
  removal: Removal | undefined;
  readonly expected: Expected[];
  /** entries before this index were settled (delivered or dropped) */
  settled: number;
}

export const isVerified = (s: ProviderStatus) => s === 'active' || s === 'approved' || s === 'rejected';

export class Model {
  readonly providers: MProvider[] = [];
  readonly services: MService[] = [];
  readonly convs: MConv[] = [];
  readonly bots: MBot[] = [];
  /** expected mails: `${to}|${purpose}` → count */
  readonly mails = new Map<string, number>();
  /** what the fake services saw that they should never see */
  readonly violations: string[] = [];
  private counter = 0;
  private groups = 0;

  constructor(
    readonly users: readonly MUser[],
    readonly teamId: string,
    readonly staffEmail: string,
    readonly now: () => number,
  ) {}

  next(): number {
    return ++this.counter;
  }

  newGroup(): number {
    return ++this.groups;
  }

  expectMail(to: string, purpose: string): void {
    const k = `${to.toLowerCase()}|${purpose}`;
    this.mails.set(k, (this.mails.get(k) ?? 0) + 1);
  }

  serviceOf(b: MBot): MService {
    return this.services[b.serviceIdx]!;
  }

  providerOf(s: MService): MProvider {
    return this.providers[s.providerIdx]!;
  }

  botById(id: string): MBot | undefined {
    return this.bots.find((b) => b.id === id);
  }

  /** the spec says this service's fake will see (and answer) every item that is queued for it */
  reliable(s: MService): boolean {
    return (
      s.state === 'enabled' &&
      (s.env.deliveryMode === 'ok' || s.env.deliveryMode === 'slow' || s.env.deliveryMode === 'refuse') &&
      s.keys.includes(s.env.presents) &&
      !s.mayBePenalised
    );
  }

  liveBotsIn(c: MConv): MBot[] {
    return c.members.filter((m) => m.bot).map((m) => this.botById(m.id)!).filter((b) => b.state === 'live');
  }

  /** Queues `sig` for each recipient that is live and whose service is enabled (others are dropped at once). */
  emit(recipients: readonly MBot[], sig: string, group = 0): void {
    for (const b of recipients) {
      const s = this.serviceOf(b);
      if (b.state !== 'live' || s.state !== 'enabled') continue;
      b.expected.push({ sig, mayDrop: !this.reliable(s), group, at: this.now() });
    }
  }

  /** Entries not yet settled of bots of `s` may now be dropped. */
  taint(s: MService): void {
    for (const b of this.bots) {
      if (b.serviceIdx !== s.n) continue;
      for (let i = b.settled; i < b.expected.length; i++) b.expected[i]!.mayDrop = true;
    }
  }

  /** After every command: whatever became unreliable taints what it still has queued. */
  taintUnreliable(): void {
    for (const s of this.services) if (!this.reliable(s)) this.taint(s);
  }

  /** Removal with its own member-leave as the final event (user, DELETE /bot/self, de-whitelisting, access change). */
  removeOwnLeave(b: MBot): void {
    const c = this.convs[b.convIdx]!;
    this.emit(this.liveBotsIn(c), `leave:${b.id}`);
    b.state = 'removed';
    b.removal = 'own-leave';
    c.members = c.members.filter((m) => m.id !== b.id);
  }

  /** Removal without a final event (service/provider deletion, 410): the others get its member-leave. */
  removeWithoutFinal(b: MBot, how: 'no-final' | 'orphan', group: number): void {
    const c = this.convs[b.convIdx]!;
    b.state = 'removed';
    b.removal = how;
    c.members = c.members.filter((m) => m.id !== b.id);
    this.emit(this.liveBotsIn(c), `leave:${b.id}`, group);
  }

  /** Conversation deletion: `conversation.delete` to every bot, then all are removed silently. */
  deleteConversation(c: MConv): void {
    const bots = this.liveBotsIn(c);
    this.emit(bots, 'delete');
    for (const b of bots) {
      b.state = 'removed';
      b.removal = 'silent';
    }
    c.members = [];
    c.deleted = true;
  }

  /** Bots of `s` in conversations of the team, per conversation in join order, leave (services.md §7). */
  dewhitelistCascade(s: MService): void {
    for (const c of this.convs) {
      if (!c.team || c.deleted) continue;
      for (const b of this.liveBotsIn(c)) if (b.serviceIdx === s.n) this.removeOwnLeave(b);
    }
  }

  /** Provider deletion (T7): its services go to `deleting`. */
  deleteServicesOf(p: MProvider): void {
    for (const s of this.services) {
      if (this.providerOf(s) !== p || (s.state !== 'enabled' && s.state !== 'disabled')) continue;
      s.state = 'deleting';
    }
  }

  /**
   * What the deletion jobs do at the next settle: every live bot of a deleting service leaves without a final
   * event (its conversation's other bots get the member-leave, in an order the spec leaves open across jobs), then
   * the service is gone.
   */
  runDeletionJobs(): void {
    const group = new Map<number, number>();
    for (const s of this.services) {
      if (s.state !== 'deleting') continue;
      for (const b of this.bots) {
        if (b.serviceIdx !== s.n || b.state !== 'live') continue;
        const g = group.get(b.convIdx) ?? this.newGroup();
        group.set(b.convIdx, g);
        this.removeWithoutFinal(b, 'no-final', g);
      }
      s.state = 'gone';
    }
  }

  /** T8 at settle: registrations older than 24 h are purged; expired codes go. */
  purge(now: number): void {
    for (const p of this.providers) {
      if (p.status === 'registered' && now - p.createdAt >= ACTIVATION_TTL) {
        p.status = 'purged';
        p.activationStored = false;
      }
      if (p.activationStored && now > p.createdAt + ACTIVATION_TTL) p.activationStored = false;
      if (p.approval?.stored && now > p.approval.createdAt + APPROVAL_TTL) p.approval.stored = false;
    }
  }

  /** Items queued long ago are dropped by age when their turn comes. */
  taintOld(now: number): void {
    for (const b of this.bots)
      for (let i = b.settled; i < b.expected.length; i++) if (now - b.expected[i]!.at > ITEM_AGE_LIMIT) b.expected[i]!.mayDrop = true;
  }
}

/** A signature of an event as the fake service received it: unique per bot in a run. */
export const sigOf = (event: unknown): string => {
  const e = event as { type?: string; data?: Record<string, unknown> | null };
  const d = e.data ?? {};
  switch (e.type) {
    case 'conversation.otr-message-add':
      return `otr:${String(d.text)}`;
    case 'conversation.member-join':
      return `join:${(d.user_ids as string[]).join(',')}`;
    case 'conversation.member-leave':
      return `leave:${(d.user_ids as string[]).join(',')}`;
    case 'conversation.rename':
      return `rename:${String(d.name)}`;
    case 'conversation.access-update':
      return `access:${Date.parse((event as { time: string }).time)}`;
    case 'conversation.delete':
      return 'delete';
    default:
      return `other:${String(e.type)}`;
  }
};

/**
 * Matches what a bot's service received against what the model expects, in order (entries of one group in any
 * order). Returns the indexes of the expected entries matched, or the first received signature that does not fit.
 */
export const matchReceived = (
  expected: readonly Expected[],
  received: readonly string[],
): { ok: true; matched: Set<number> } | { ok: false; unexpected: string; position: number } => {
  const matched = new Set<number>();
  let i = 0;
  outer: for (let r = 0; r < received.length; r++) {
    const sig = received[r]!;
    while (i < expected.length) {
      const e = expected[i]!;
      if (e.group === 0) {
        i++;
        if (e.sig === sig) {
          matched.add(i - 1);
          continue outer;
        }
        continue;
      }
      // a group: any unmatched member; the group stays current until something after it matches
      let end = i;
      while (end < expected.length && expected[end]!.group === e.group) end++;
      for (let j = i; j < end; j++)
        if (!matched.has(j) && expected[j]!.sig === sig) {
          matched.add(j);
          continue outer;
        }
      i = end;
    }
    return { ok: false, unexpected: sig, position: r };
  }
  return { ok: true, matched };
};
