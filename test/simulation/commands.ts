import fc from 'fast-check';
import { CapturingMailTransport, type Outcome } from '@spp/adapters';
import {
  activateProvider,
  addBot,
  approveProviderByLink,
  approveProviderByStaff,
  botDeleteSelf,
  botPostMessage,
  createConversation,
  createService,
  deleteProvider,
  deleteService,
  deleteTeamConversation,
  postOtrMessage,
  registerProvider,
  rejectProvider,
  removeBotByUser,
  renameConversation,
  updateConversationAccess,
  updateServiceConnection,
  updateWhitelist,
  type ConnectionPatch,
  type ErrorLabel,
} from '@spp/domain';
import { CREATE_MODES, DELIVERY_MODES, fakeScript } from './fakeServices.js';
import { checkSettled, checkStep, type Real } from './invariants.js';
import {
  ACTIVATION_TTL,
  APPROVAL_TTL,
  isVerified,
  type CreateMode,
  type DeliveryMode,
  type MBot,
  type MConv,
  type Model,
  type MProvider,
  type MService,
  type Role,
} from './model.js';

type Note = (detail: string) => void;

/** One step of the lifecycle model: predicts the outcome in the model, runs it for real, then checks invariants. */
export class SimCommand implements fc.AsyncCommand<Model, Real> {
  private detail = '';
  constructor(
    private readonly name: string,
    /** the step itself, without the checks (macros compose bodies) */
    readonly body: (m: Model, r: Real, note: Note) => Promise<void>,
    private readonly applies: (m: Readonly<Model>) => boolean = () => true,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.applies(m);
  }
  async run(m: Model, r: Real): Promise<void> {
    this.detail = '';
    await this.body(m, r, (d) => (this.detail = d));
    m.taintUnreliable();
    await checkStep(m, r);
  }
  toString(): string {
    return this.detail ? `${this.name}{${this.detail}}` : this.name;
  }
}

class OutcomeMismatch extends Error {
  override readonly name = 'OutcomeMismatch';
}

/** how often each step ended how (`what → label`), for tuning the generators */
export const outcomeStats = new Map<string, number>();

/** The real answer must be what the model predicted: `ok`, or the error label. */
const expectOutcome = <A>(what: string, out: Outcome<A>, expected: 'ok' | ErrorLabel): A | undefined => {
  const got = out.ok ? 'ok' : out.error.label;
  outcomeStats.set(`${what} → ${got}`, (outcomeStats.get(`${what} → ${got}`) ?? 0) + 1);
  if (got !== expected) throw new OutcomeMismatch(`${what}: expected ${expected}, got ${got}${out.ok ? '' : ` (${out.error.message})`}`);
  return out.ok ? out.value : undefined;
};

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
/** three times in four among the items still in play (when there are any), else among all of them */
const choose = <T>(all: readonly T[], inPlay: (x: T) => boolean, i: number): T | undefined => {
  const live = all.filter(inPlay);
  return i % 4 !== 3 && live.length > 0 ? live[Math.floor(i / 4) % live.length] : pick(all, Math.floor(i / 4));
};
const inPlayService = (s: MService) => s.state !== 'gone';
/** services with bots, where a change has consequences */
const busyService = (m: Model) => (s: MService) => s.state !== 'gone' && m.bots.some((b) => b.state === 'live' && b.serviceIdx === s.n);
/** conversations with bots */
const inPlayConv = (c: MConv) => !c.deleted && c.members.some((x) => x.bot);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const IP = '203.0.113.9';
const SERVICE_ROLES = ['team_member', 'non_team_member', 'service'];
const NO_SERVICE_ROLES = ['team_member', 'non_team_member'];

const hasProviders = (m: Readonly<Model>) => m.providers.length > 0;
const hasServices = (m: Readonly<Model>) => m.services.length > 0;
const hasConvs = (m: Readonly<Model>) => m.convs.length > 0;
const hasBots = (m: Readonly<Model>) => m.bots.length > 0;

const keyDer = (r: Real) => (n: number) => r.sim.act.key(n).der;

// ---------------------------------------------------------------- providers

const registerCmd = (reuse: string) =>
  new SimCommand(`register(${reuse})`, async (m, r, note) => {
    const n = m.next();
    const sources = m.providers.filter((p) => (reuse === 'deleted' ? p.status === 'deleted' : reuse === 'verified' ? isVerified(p.status) : false));
    const email = pick(sources, n)?.email ?? `p${n}@sim.example`;
    const name = `P${n}`;
    const password = `password of ${name}`;
    const owner = m.providers.some((p) => isVerified(p.status) && p.email === email);
    const out = await r.sim.attempt(
      registerProvider(r.sim.deps, { name, email, url: 'https://p.sim.example/', description: 'Simulated.', password }, IP),
    );
    note(`${name} ${email}`);
    const value = expectOutcome('register', out, owner ? 'email-exists' : 'ok');
    if (!value) return;
    // T1: an earlier unverified registration of the e-mail is superseded; one activation code per e-mail
    for (const p of m.providers)
      if (p.email === email && p.status === 'registered') {
        p.status = 'purged';
        p.activationStored = false;
      }
    for (const p of m.providers) if (p.email === email) p.activationStored = false;
    m.providers.push({
      n: m.providers.length,
      id: value.id,
      name,
      email,
      password,
      status: 'registered',
      createdAt: m.now(),
      activationUsed: false,
      activationStored: true,
      approval: undefined,
    });
    m.expectMail(email, 'ProviderActivation');
  });

/** the newest mail of `purpose` to `to` whose text names `marker` */
const mailFor = async (r: Real, to: string, purpose: string, marker: string) => {
  await r.sim.deliverMails();
  const mail = r.sim.mail
    .to(to, purpose)
    .filter((x) => x.mail.text.includes(marker))
    .at(-1);
  return mail && CapturingMailTransport.codeOf(mail);
};

const activateCmd = (i: number) =>
  new SimCommand(
    'activate',
    async (m, r, note) => {
      const p = pick(m.providers, i)!;
      const code = await mailFor(r, p.email, 'ProviderActivation', `Hello ${p.name},`);
      note(`${p.name} ${code ? '' : '(no mail yet)'}`);
      if (!code) return;
      const now = m.now();
      const out = await r.sim.attempt(activateProvider(r.sim.deps, code.key, code.code));
      const live = p.activationStored && now <= p.createdAt + ACTIVATION_TTL;
      if (!live) return void expectOutcome('activate', out, 'invalid-code');
      if (p.activationUsed) {
        const v = expectOutcome('activate (used code)', out, isVerified(p.status) ? 'ok' : 'invalid-code');
        if (v && v.kind !== 'already') throw new OutcomeMismatch(`activate with a used code: expected 204, got ${v.kind}`);
        return;
      }
      const owner = m.providers.some((o) => o !== p && isVerified(o.status) && o.email === p.email);
      const v = expectOutcome('activate', out, owner ? 'email-exists' : 'ok');
      if (!v) return;
      if (v.kind !== 'done') throw new OutcomeMismatch(`activate: expected 200, got ${v.kind}`);
      p.status = 'active';
      p.activationUsed = true;
      p.approval = { createdAt: now, used: false, stored: true };
      m.expectMail(p.email, 'ProviderApprovalPending');
      m.expectMail(m.staffEmail, 'ProviderApprovalRequest');
    },
    hasProviders,
  );

const approveByStaffCmd = (i: number) =>
  new SimCommand(
    'approveByStaff',
    async (m, r, note) => {
      const p = pick(m.providers, i)!;
      note(p.name);
      const out = await r.sim.attempt(approveProviderByStaff(r.sim.deps, p.id));
      const expected = p.status === 'active' || p.status === 'rejected' ? 'ok' : p.status === 'deleted' || p.status === 'purged' ? 'not-found' : 'invalid-transition';
      if (!expectOutcome('staff approval', out, expected)) return;
      p.status = 'approved';
      if (p.approval) p.approval.stored = false;
      m.expectMail(p.email, 'ProviderApprovalConfirm');
    },
    hasProviders,
  );

const approveByLinkCmd = (i: number) =>
  new SimCommand(
    'approveByLink',
    async (m, r, note) => {
      const p = pick(m.providers, i)!;
      const code = await mailFor(r, m.staffEmail, 'ProviderApprovalRequest', p.id);
      note(`${p.name} ${code ? '' : '(no mail)'}`);
      if (!code) return;
      const out = await r.sim.attempt(approveProviderByLink(r.sim.deps, code.key, code.code));
      const a = p.approval!;
      if (!a.stored || m.now() > a.createdAt + APPROVAL_TTL) return void expectOutcome('approval link', out, 'invalid-code');
      if (a.used) {
        const v = expectOutcome('approval link (used)', out, p.status === 'approved' ? 'ok' : 'invalid-code');
        if (v && v.kind !== 'already') throw new OutcomeMismatch(`approval link used twice: expected 204, got ${v.kind}`);
        return;
      }
      const expected = p.status === 'active' ? 'ok' : 'invalid-transition';
      const v = expectOutcome('approval link', out, expected);
      if (!v) return;
      p.status = 'approved';
      a.used = true;
      m.expectMail(p.email, 'ProviderApprovalConfirm');
    },
    hasProviders,
  );

const rejectCmd = (i: number) =>
  new SimCommand(
    'reject',
    async (m, r, note) => {
      const p = pick(m.providers, i)!;
      note(p.name);
      const out = await r.sim.attempt(rejectProvider(r.sim.deps, p.id, 'Not a fit.'));
      const expected = p.status === 'active' ? 'ok' : p.status === 'deleted' || p.status === 'purged' ? 'not-found' : 'invalid-transition';
      if (!expectOutcome('rejection', out, expected)) return;
      p.status = 'rejected';
      if (p.approval) p.approval.stored = false;
      m.expectMail(p.email, 'ProviderRejected');
    },
    hasProviders,
  );

const removeProviderCmd = (i: number) =>
  new SimCommand(
    'deleteProvider',
    async (m, r, note) => {
      const p = pick(m.providers, i)!;
      note(p.name);
      const out = await r.sim.attempt(deleteProvider(r.sim.deps, p.id, p.password));
      expectOutcome('provider deletion', out, isVerified(p.status) ? 'ok' : 'not-found');
      if (!out.ok) return;
      p.status = 'deleted';
      p.activationStored = false;
      if (p.approval) p.approval.stored = false;
      m.deleteServicesOf(p);
    },
    hasProviders,
  );

// ---------------------------------------------------------------- services

/** the provider routes' guards: provider live (verified, not deleted), then approval */
const providerGate = (p: MProvider): 'ok' | ErrorLabel => (!isVerified(p.status) ? 'not-found' : p.status !== 'approved' ? 'provider-not-approved' : 'ok');
const connectionGate = (m: Model, s: MService): 'ok' | ErrorLabel => {
  const gate = providerGate(m.providerOf(s));
  if (gate !== 'ok') return gate;
  return s.state === 'deleting' || s.state === 'gone' ? 'not-found' : 'ok';
};

const newServiceCmd = ({ provider, key }: { provider: number; key: number }) =>
  new SimCommand(
    'createService',
    async (m, r, note) => {
      const p = pick(m.providers, provider)!;
      const n = m.next();
      const token = `tok-${n}-${r.sim.seed}`;
      const out = await r.sim.attempt(
        createService(r.sim.deps, p.id, {
          name: `S${n}`,
          summary: 'Simulated',
          description: 'A simulated service.',
          baseUrl: `https://s${n}.sim.example/api`,
          publicKey: r.sim.act.key(key).pem,
          authToken: token,
          assets: [],
          tags: ['tutorial'],
          identityFingerprints: [],
        }),
      );
      note(`S${n} of ${p.name} key ${key}`);
      const value = expectOutcome('service creation', out, providerGate(p));
      if (!value) return;
      const s: MService = {
        n: m.services.length,
        id: value.id,
        providerIdx: p.n,
        state: 'disabled',
        tokens: [token],
        keys: [key],
        env: { createMode: 'created', deliveryMode: 'ok', accepts: [token], presents: key },
        mayBePenalised: false,
        whitelisted: false,
      };
      m.services.push(s);
      r.sim.services.register(s.id, fakeScript(m, s, keyDer(r)));
    },
    hasProviders,
  );

/** PUT …/connection with the provider's password; success resets the breaker */
const connection = async (m: Model, r: Real, s: MService, patch: Omit<ConnectionPatch, 'password'>): Promise<boolean> => {
  const p = m.providerOf(s);
  const out = await r.sim.attempt(updateServiceConnection(r.sim.deps, p.id, s.id, { password: p.password, ...patch }));
  expectOutcome('connection update', out, connectionGate(m, s));
  if (out.ok) s.mayBePenalised = false;
  return out.ok;
};

const setEnabledCmd = ({ i, on }: { i: number; on: boolean }) =>
  new SimCommand(
    `${on ? 'enable' : 'disable'}Service`,
    async (m, r, note) => {
      const s = choose(m.services, on ? (x) => x.state === 'disabled' : busyService(m), i)!;
      note(`#${s.n}`);
      if (await connection(m, r, s, { enabled: on })) s.state = on ? 'enabled' : 'disabled';
    },
    hasServices,
  );

const setKeysCmd = ({ i, keys }: { i: number; keys: number[] }) =>
  new SimCommand(
    `setKeys[${keys}]`,
    async (m, r, note) => {
      const s = choose(m.services, busyService(m), i)!;
      note(`#${s.n}`);
      if (await connection(m, r, s, { publicKeys: keys.map((k) => r.sim.act.key(k).pem) })) s.keys = keys;
    },
    hasServices,
  );

/** `proper`: the service learns the new token first; `platform`: only the platform switches (the service refuses it) */
const rotateTokenCmd = ({ i, how }: { i: number; how: 'proper' | 'platform' | 'service' }) =>
  new SimCommand(
    `rotateToken(${how})`,
    async (m, r, note) => {
      const s = choose(m.services, busyService(m), i)!;
      const token = `tok-${m.next()}-${r.sim.seed}`;
      note(`#${s.n}`);
      if (how === 'service') {
        s.env.accepts = [token];
        return;
      }
      const tokens = how === 'proper' ? [token, s.tokens[0]!] : [token];
      if (how === 'proper') s.env.accepts = [...s.env.accepts, token];
      if (await connection(m, r, s, { authTokens: tokens })) s.tokens = tokens;
    },
    hasServices,
  );

const presentKeyCmd = ({ i, key }: { i: number; key: number }) =>
  new SimCommand(
    `servicePresentsKey(${key})`,
    async (m, r, note) => {
      const s = choose(m.services, busyService(m), i)!;
      note(`#${s.n}`);
      s.env.presents = key;
      r.sim.services.update(s.id, { presentedKey: r.sim.act.key(key).der });
    },
    hasServices,
  );

const removeServiceCmd = (i: number) =>
  new SimCommand(
    'deleteService',
    async (m, r, note) => {
      const s = choose(m.services, busyService(m), i)!;
      const p = m.providerOf(s);
      note(`#${s.n}`);
      const out = await r.sim.attempt(deleteService(r.sim.deps, p.id, s.id, p.password));
      const expected = !isVerified(p.status) || s.state === 'deleting' || s.state === 'gone' ? 'not-found' : 'ok';
      expectOutcome('service deletion', out, expected);
      if (out.ok) s.state = 'deleting';
    },
    hasServices,
  );

const createModeCmd = ({ i, mode }: { i: number; mode: CreateMode }) =>
  new SimCommand(
    `createMode(${mode})`,
    async (m, _r, note) => {
      const s = choose(m.services, inPlayService, i)!;
      note(`#${s.n}`);
      s.env.createMode = mode;
    },
    hasServices,
  );

const deliveryModeCmd = ({ i, mode }: { i: number; mode: DeliveryMode }) =>
  new SimCommand(
    `deliveryMode(${mode})`,
    async (m, _r, note) => {
      const s = choose(m.services, busyService(m), i)!;
      note(`#${s.n}`);
      s.env.deliveryMode = mode;
    },
    hasServices,
  );

const whitelistCmd = ({ actor, i, on }: { actor: number; i: number; on: boolean }) =>
  new SimCommand(
    `${on ? 'whitelist' : 'dewhitelist'}(u${actor})`,
    async (m, r, note) => {
      const s = choose(m.services, on ? inPlayService : busyService(m), i)!;
      note(`#${s.n}`);
      const u = m.users[actor]!;
      const out = await r.sim.attempt(
        updateWhitelist(r.sim.deps, r.sim.host, u.id, m.teamId, { providerId: m.providerOf(s).id, serviceId: s.id, whitelisted: on }),
      );
      const expected =
        u.teamRole !== 'owner' && u.teamRole !== 'admin' ? 'insufficient-permissions' : s.state === 'deleting' || s.state === 'gone' ? 'not-found' : 'ok';
      const changed = expectOutcome('whitelist', out, expected);
      if (changed === undefined) return;
      if (changed !== (s.whitelisted !== on)) throw new OutcomeMismatch(`whitelist: expected changed=${s.whitelisted !== on}, got ${changed}`);
      s.whitelisted = on;
      if (!on && changed) m.dewhitelistCascade(s);
    },
    hasServices,
  );

// ---------------------------------------------------------------- conversations and bots

const newConversationCmd = ({ creator, team, invite, role, service }: { creator: number; team: boolean; invite: number[]; role: Role; service: boolean }) =>
  new SimCommand(`createConversation(u${creator}${team ? ' team' : ''} +[${invite}] ${role}${service ? '' : ' no-service'})`, async (m, r) => {
    const u = m.users[creator]!;
    const invited = invite.filter((x) => x !== creator);
    const out = await r.sim.attempt(
      createConversation(r.sim.deps, u.id, {
        users: invited.map((x) => m.users[x]!.id),
        ...(team ? { team: m.teamId } : {}),
        accessRole: service ? SERVICE_ROLES : NO_SERVICE_ROLES,
        conversationRole: role,
      }),
    );
    const value = expectOutcome('conversation', out, team && u.teamRole === null ? 'insufficient-permissions' : 'ok');
    if (!value) return;
    m.convs.push({
      n: m.convs.length,
      id: value.id,
      team,
      service,
      deleted: false,
      creator: u.id,
      members: [{ id: u.id, bot: false, role: 'wire_admin' }, ...invited.map((x) => ({ id: m.users[x]!.id, bot: false, role }))],
    });
  });

const memberRole = (c: MConv, uid: string) => (c.deleted ? undefined : c.members.find((x) => x.id === uid)?.role);

/** `actor` -1 is the conversation's creator (its first member), so random runs often act with the right role */
const actorIn = (m: Model, c: MConv, actor: number) => (actor < 0 ? m.users.find((u) => u.id === c.creator)! : m.users[actor]!);

/** bots.md §2 checks 2–9 in order, then what the fake service answers (step 10) */
const predictAddBot = (m: Model, u: string, c: MConv, s: MService): { label: 'ok' | ErrorLabel; cause?: string } => {
  const role = memberRole(c, u);
  if (!role) return { label: 'not-found' };
  if (role !== 'wire_admin') return { label: 'access-denied' };
  if (!c.service) return { label: 'invalid-conversation' };
  if (s.state === 'deleting' || s.state === 'gone') return { label: 'not-found' };
  if (s.state !== 'enabled') return { label: 'service-disabled' };
  if (c.team && !s.whitelisted) return { label: 'service-not-whitelisted' };
  if (!s.keys.includes(s.env.presents)) return { label: 'bad-gateway', cause: 'PinFingerprintMismatch' };
  if (!s.env.accepts.includes(s.tokens[0]!)) return { label: 'bad-gateway', cause: 'status 401' };
  switch (s.env.createMode) {
    case 'created':
    case 'slow':
      return { label: 'ok' };
    case 'conflict':
      return { label: 'too-many-bots' };
    case 'error':
      return { label: 'bad-gateway', cause: 'status 503' };
    case 'hang':
      return { label: 'bad-gateway', cause: 'timeout' };
    case 'down':
      return { label: 'bad-gateway', cause: 'ConnectionFailure' };
  }
};

const newBotCmd = ({ actor, conv, service }: { actor: number; conv: number; service: number }) =>
  new SimCommand(
    `addBot(${actor < 0 ? 'creator' : `u${actor}`})`,
    async (m, r, note) => {
      const c = choose(m.convs, (x) => !x.deleted && x.service, conv)!;
      // mostly a service the conversation would accept, so runs grow bots; sometimes any, for the refusals
      const s = choose(m.services, (x) => x.state === 'enabled' && (!c.team || x.whitelisted), service)!;
      const u = actorIn(m, c, actor);
      note(`c#${c.n} s#${s.n}`);
      const out = await r.sim.attempt(addBot(r.sim.deps, r.sim.host, { actor: u.id, convId: c.id, providerId: m.providerOf(s).id, serviceId: s.id }));
      const want = predictAddBot(m, u.id, c, s);
      const value = expectOutcome('add bot', out, want.label);
      if (!out.ok && want.cause && !out.error.message.endsWith(`: ${want.cause}`))
        throw new OutcomeMismatch(`add bot: expected cause ${want.cause}, got "${out.error.message}"`);
      if (!value) return;
      const bot: MBot = {
        id: value.id,
        clientId: value.client,
        token: r.sim.act.botToken(value.id),
        serviceIdx: s.n,
        convIdx: c.n,
        state: 'live',
        removal: undefined,
        expected: [],
        settled: 0,
      };
      m.bots.push(bot);
      c.members.push({ id: bot.id, bot: true, role: 'wire_admin' });
      m.emit(m.liveBotsIn(c), `join:${bot.id}`);
    },
    (m) => hasConvs(m) && hasServices(m),
  );

const removeBotCmd = ({ actor, bot }: { actor: number; bot: number }) =>
  new SimCommand(
    `removeBot(${actor < 0 ? 'creator' : `u${actor}`})`,
    async (m, r, note) => {
      const b = choose(m.bots, (x) => x.state === 'live', bot)!;
      const c = m.convs[b.convIdx]!;
      const u = actorIn(m, c, actor);
      note(b.id.slice(0, 8));
      const out = await r.sim.attempt(removeBotByUser(r.sim.deps, r.sim.host, u.id, c.id, b.id));
      const role = memberRole(c, u.id);
      const event = expectOutcome('remove bot', out, !role ? 'not-found' : role !== 'wire_admin' ? 'access-denied' : 'ok');
      if (!out.ok) return;
      const member = b.state === 'live';
      if ((event !== undefined) !== member) throw new OutcomeMismatch(`remove bot: expected ${member ? '200 with the event' : '204'}, got ${event ? '200' : '204'}`);
      if (member) m.removeOwnLeave(b);
    },
    hasBots,
  );

const botLeavesCmd = (bot: number) =>
  new SimCommand(
    'botDeletesSelf',
    async (m, r, note) => {
      const b = choose(m.bots, (x) => x.state === 'live', bot)!;
      note(b.id.slice(0, 8));
      const out = await r.sim.attempt(botDeleteSelf(r.sim.deps, r.sim.host, r.sim.act.botCredentials(b.token)));
      expectOutcome('DELETE /bot/self', out, b.state === 'live' ? 'ok' : 'invalid-bot');
      if (out.ok) m.removeOwnLeave(b);
    },
    hasBots,
  );

/** every client of every member but `except`'s, as the model knows them */
const recipientsOf = (m: Model, c: MConv, except: string, text: string) => {
  const out: Record<string, Record<string, string>> = {};
  for (const x of c.members) {
    if (x.id === except) continue;
    const client = x.bot ? m.botById(x.id)!.clientId : m.users.find((u) => u.id === x.id)!.clientId;
    out[x.id] = { [client]: b64(text) };
  }
  return out;
};

const botSendsCmd = (bot: number) =>
  new SimCommand(
    'botSends',
    async (m, r, note) => {
      const b = choose(m.bots, (x) => x.state === 'live', bot)!;
      const c = m.convs[b.convIdx]!;
      const text = `b${m.next()}`;
      note(`${b.id.slice(0, 8)} ${text}`);
      const out = await r.sim.attempt(
        botPostMessage(
          r.sim.deps,
          r.sim.host,
          r.sim.act.botCredentials(b.token),
          { sender: b.clientId, recipients: b.state === 'live' ? recipientsOf(m, c, b.id, text) : {}, transient: false },
          { kind: 'report-all' },
        ),
      );
      const v = expectOutcome('POST /bot/messages', out, b.state === 'live' ? 'ok' : 'no-conversation');
      if (!v) return;
      if (v.status !== 201) throw new OutcomeMismatch(`bot message: expected 201, got 412 ${JSON.stringify(v.mismatch)}`);
      m.emit(m.liveBotsIn(c).filter((x) => x !== b), `otr:${b64(text)}`);
    },
    hasBots,
  );

const userSendsCmd = ({ sender, conv }: { sender: number; conv: number }) =>
  new SimCommand(
    `send(u${sender})`,
    async (m, r, note) => {
      const c = choose(m.convs, inPlayConv, conv)!;
      const u = m.users[sender]!;
      const text = `m${m.next()}`;
      note(`c#${c.n} ${text}`);
      const out = await r.sim.attempt(
        postOtrMessage(r.sim.deps, r.sim.host, u.id, c.id, { sender: u.clientId, recipients: recipientsOf(m, c, u.id, text), transient: false }, { kind: 'report-all' }),
      );
      const v = expectOutcome('OTR message', out, memberRole(c, u.id) ? 'ok' : 'no-conversation');
      if (!v) return;
      if (v.status !== 201) throw new OutcomeMismatch(`message: expected 201, got 412 ${JSON.stringify(v.mismatch)}`);
      m.emit(m.liveBotsIn(c), `otr:${b64(text)}`);
    },
    hasConvs,
  );

/** many messages at once: enough failures in a row open a failing service's breaker (20) */
const floodCmd = ({ sender, conv }: { sender: number; conv: number }) =>
  new SimCommand(
    `flood(u${sender})`,
    async (m, r, note) => {
      // mostly where a bot's service is failing, so its breaker opens
      const failing = (x: MConv) => inPlayConv(x) && m.liveBotsIn(x).some((b) => ['error', 'hang', 'down'].includes(m.serviceOf(b).env.deliveryMode));
      const c = choose(m.convs, failing, conv)!;
      note(`c#${c.n}`);
      for (let i = 0; i < 25; i++) await userSendsCmd({ sender, conv: c.n * 4 + 3 }).body(m, r, () => undefined);
    },
    hasConvs,
  );

const renameCmd = ({ actor, conv }: { actor: number; conv: number }) =>
  new SimCommand(
    `rename(${actor < 0 ? 'creator' : `u${actor}`})`,
    async (m, r, note) => {
      const c = choose(m.convs, inPlayConv, conv)!;
      const u = actorIn(m, c, actor);
      const name = `name ${m.next()}`;
      note(`c#${c.n}`);
      const out = await r.sim.attempt(renameConversation(r.sim.deps, r.sim.host, u.id, c.id, name));
      const role = memberRole(c, u.id);
      if (expectOutcome('rename', out, !role ? 'no-conversation' : role !== 'wire_admin' ? 'action-denied' : 'ok')) m.emit(m.liveBotsIn(c), `rename:${name}`);
    },
    hasConvs,
  );

const accessCmd = ({ actor, conv, service }: { actor: number; conv: number; service: boolean }) =>
  new SimCommand(
    `access(${actor < 0 ? 'creator' : `u${actor}`} ${service ? '+service' : '-service'})`,
    async (m, r, note) => {
      const c = choose(m.convs, inPlayConv, conv)!;
      const u = actorIn(m, c, actor);
      note(`c#${c.n}`);
      r.sim.advance(1); // access-update events are told apart by their time
      const out = await r.sim.attempt(
        updateConversationAccess(r.sim.deps, r.sim.host, u.id, c.id, { access: ['invite'], accessRole: service ? SERVICE_ROLES : NO_SERVICE_ROLES }),
      );
      const role = memberRole(c, u.id);
      expectOutcome('access change', out, !role ? 'no-conversation' : role !== 'wire_admin' ? 'action-denied' : 'ok');
      if (!out.ok) return;
      const changed = c.service !== service;
      if ((out.value !== undefined) !== changed) throw new OutcomeMismatch(`access change: expected ${changed ? '200' : '204'}`);
      if (!changed) return;
      c.service = service;
      const bots = m.liveBotsIn(c);
      m.emit(bots, `access:${m.now()}`);
      if (!service) for (const b of bots) m.removeOwnLeave(b);
    },
    hasConvs,
  );

const deleteConversationCmd = ({ actor, conv }: { actor: number; conv: number }) =>
  new SimCommand(
    `deleteConversation(${actor < 0 ? 'creator' : `u${actor}`})`,
    async (m, r, note) => {
      const c = choose(m.convs, inPlayConv, conv)!;
      const u = actorIn(m, c, actor);
      note(`c#${c.n}`);
      const out = await r.sim.attempt(deleteTeamConversation(r.sim.deps, r.sim.host, u.id, m.teamId, c.id));
      const expected =
        !c.team || c.deleted || u.teamRole === null ? 'no-conversation' : u.teamRole === 'member' && memberRole(c, u.id) !== 'wire_admin' ? 'access-denied' : 'ok';
      expectOutcome('conversation deletion', out, expected);
      if (out.ok) m.deleteConversation(c);
    },
    hasConvs,
  );

// ---------------------------------------------------------------- time, mail, background work

const clockJumpCmd = (ms: number) =>
  new SimCommand(`clockJump(${ms}ms)`, async (_m, r) => r.sim.advance(ms));

const mailOutageCmd = (down: boolean) =>
  new SimCommand(down ? 'smtpOutage' : 'smtpRecovers', async (_m, r) => {
    if (down) r.sim.mail.outage();
    else r.sim.mail.recover();
  });

/** the 410s answered while settling: those bots are removed, and their conversations' other bots told */
const reconcileGone = (m: Model, r: Real, from: number) => {
  const gone: string[] = [];
  for (const c of r.sim.services.calls.slice(from))
    if (c.kind === 'messages' && c.result?.ok && c.result.status === 410 && c.botId && !gone.includes(c.botId)) gone.push(c.botId);
  const groups = new Map<number, number>();
  for (const id of gone) {
    const b = m.botById(id);
    if (!b || b.state !== 'live') continue;
    const g = groups.get(b.convIdx) ?? m.newGroup();
    groups.set(b.convIdx, g);
    m.removeWithoutFinal(b, 'orphan', g);
  }
  // whatever a 410'd bot still had queued is discarded
  for (const id of gone) {
    const b = m.botById(id);
    if (b) for (let i = b.settled; i < b.expected.length; i++) b.expected[i]!.mayDrop = true;
  }
};

const settleCmd = (_: null) =>
  new SimCommand('settle', async (m, r, note) => {
    const now = m.now();
    m.purge(now);
    m.taintOld(now);
    m.runDeletionJobs();
    const from = r.sim.services.calls.length;
    const report = await r.sim.settle();
    note(`${report.botsDrained} bots, ${report.jobsRun} jobs, ${report.mailsSent} mails, ${report.elapsedMs} ms`);
    reconcileGone(m, r, from);
    await checkSettled(m, r);
    for (const b of m.bots) b.settled = b.expected.length;
  });

// ---------------------------------------------------------------- macros (several steps, each checked)

const onboardProviderCmd = (link: boolean) =>
  new SimCommand(`onboardProvider(${link ? 'link' : 'staff'})`, async (m, r, note) => {
    await registerCmd('fresh').run(m, r);
    const i = m.providers.length - 1;
    await activateCmd(i).run(m, r);
    await (link ? approveByLinkCmd(i) : approveByStaffCmd(i)).run(m, r);
    note(`${m.providers[i]!.name} ${m.providers[i]!.status}`);
  });

/** a service of an approved provider, enabled and whitelisted by the team */
const onboardServiceCmd = ({ provider, key }: { provider: number; key: number }) =>
  new SimCommand(
    'onboardService',
    async (m, r, note) => {
      const approved = m.providers.filter((p) => p.status === 'approved');
      const p = pick(approved, provider);
      if (!p) return note('no approved provider');
      const before = m.services.length;
      await newServiceCmd({ provider: p.n, key }).run(m, r);
      if (m.services.length === before) return;
      await setEnabledCmd({ i: before, on: true }).run(m, r);
      await whitelistCmd({ actor: 0, i: before, on: true }).run(m, r);
      note(`#${before} of ${p.name}`);
    },
    hasProviders,
  );

// ---------------------------------------------------------------- generators

const register = fc.constantFrom('fresh', 'fresh', 'deleted', 'verified').map(registerCmd);
const activate = fc.nat().map(activateCmd);
const approveByStaff = fc.nat().map(approveByStaffCmd);
const approveByLink = fc.nat().map(approveByLinkCmd);
const reject = fc.nat().map(rejectCmd);
const removeProvider = fc.nat().map(removeProviderCmd);
const newService = fc.record({ provider: fc.nat(), key: fc.nat(2) }).map(newServiceCmd);
const setEnabled = fc.record({ i: fc.nat(), on: fc.constantFrom(true, true, false) }).map(setEnabledCmd);
const setKeys = fc.record({ i: fc.nat(), keys: fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 2 }) }).map(setKeysCmd);
const rotateToken = fc.record({ i: fc.nat(), how: fc.constantFrom('proper', 'proper', 'platform', 'service') }).map(rotateTokenCmd);
const presentKey = fc.record({ i: fc.nat(), key: fc.nat(2) }).map(presentKeyCmd);
const removeService = fc.nat().map(removeServiceCmd);
const createMode = fc.record({ i: fc.nat(), mode: fc.constantFrom(...CREATE_MODES) }).map(createModeCmd);
const deliveryMode = fc.record({ i: fc.nat(), mode: fc.constantFrom(...DELIVERY_MODES) }).map(deliveryModeCmd);
const whitelist = fc.record({ actor: fc.nat(3), i: fc.nat(), on: fc.boolean() }).map(whitelistCmd);
const newConversation = fc
  .record({
    creator: fc.nat(3),
    team: fc.boolean(),
    invite: fc.uniqueArray(fc.nat(3), { maxLength: 3 }),
    role: fc.constantFrom<Role>('wire_admin', 'wire_member'),
    service: fc.constantFrom(true, true, true, false),
  }).map(newConversationCmd);
/** -1 (three times out of five): the conversation's creator */
const convActor = fc.oneof(fc.constant(-1), fc.constant(-1), fc.constant(-1), fc.nat(3));
const newBot = fc.record({ actor: convActor, conv: fc.nat(), service: fc.nat() }).map(newBotCmd);
const removeBot = fc.record({ actor: convActor, bot: fc.nat() }).map(removeBotCmd);
const botLeaves = fc.nat().map(botLeavesCmd);
const botSends = fc.nat().map(botSendsCmd);
const userSends = fc.record({ sender: fc.nat(3), conv: fc.nat() }).map(userSendsCmd);
const flood = fc.record({ sender: fc.nat(3), conv: fc.nat() }).map(floodCmd);
const rename = fc.record({ actor: convActor, conv: fc.nat() }).map(renameCmd);
const access = fc.record({ actor: convActor, conv: fc.nat(), service: fc.boolean() }).map(accessCmd);
const deleteConversation = fc.record({ actor: convActor, conv: fc.nat() }).map(deleteConversationCmd);
const clockJump = fc
  .oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(3_600_001), fc.constant(25 * 3_600_000)).map(clockJumpCmd);
const mailOutage = fc.boolean().map(mailOutageCmd);
const settle = fc.constant(null).map(settleCmd);
const onboardProvider = fc.boolean().map(onboardProviderCmd);
const onboardService = fc.record({ provider: fc.nat(), key: fc.nat(2) }).map(onboardServiceCmd);

/** Command factories, for fixed prefixes and regression tests. */
export const make = {
  onboardProvider: onboardProviderCmd,
  onboardService: onboardServiceCmd,
  register: registerCmd,
  activate: activateCmd,
  approveByStaff: approveByStaffCmd,
  approveByLink: approveByLinkCmd,
  reject: rejectCmd,
  removeProvider: removeProviderCmd,
  newService: newServiceCmd,
  setEnabled: setEnabledCmd,
  setKeys: setKeysCmd,
  rotateToken: rotateTokenCmd,
  presentKey: presentKeyCmd,
  removeService: removeServiceCmd,
  createMode: createModeCmd,
  deliveryMode: deliveryModeCmd,
  whitelist: whitelistCmd,
  newConversation: newConversationCmd,
  newBot: newBotCmd,
  removeBot: removeBotCmd,
  botLeaves: botLeavesCmd,
  botSends: botSendsCmd,
  userSends: userSendsCmd,
  rename: renameCmd,
  access: accessCmd,
  deleteConversation: deleteConversationCmd,
  clockJump: clockJumpCmd,
  mailOutage: mailOutageCmd,
  settle: settleCmd,
};

/** Every command of the lifecycle model; repeats weight the steps that make bots and traffic. */
export const lifecycleCommands = [
  register,
  activate,
  approveByStaff,
  approveByLink,
  reject,
  removeProvider,
  onboardProvider,
  onboardProvider,
  onboardService,
  onboardService,
  onboardService,
  newService,
  setEnabled,
  setEnabled,
  setKeys,
  rotateToken,
  rotateToken,
  presentKey,
  removeService,
  createMode,
  deliveryMode,
  deliveryMode,
  deliveryMode,
  whitelist,
  whitelist,
  newConversation,
  newBot,
  newBot,
  newBot,
  newBot,
  newBot,
  newBot,
  newBot,
  newBot,
  removeBot,
  removeBot,
  botLeaves,
  botSends,
  botSends,
  userSends,
  userSends,
  userSends,
  userSends,
  flood,
  rename,
  access,
  deleteConversation,
  clockJump,
  mailOutage,
  settle,
  settle,
  settle,
  settle,
  settle,
  settle,
];
