import {
  activateProvider,
  addBot,
  addUserClient,
  approveProviderByLink,
  approveProviderByStaff,
  botPostMessage,
  createConversation,
  createService,
  createTeam,
  deleteProvider,
  deleteService,
  registerProvider,
  registerUser,
  removeBotByUser,
  setTeamMember,
  updateServiceConnection,
  updateWhitelist,
  postOtrMessage,
  verifyToken,
  type AddedBot,
  type BotCredentials,
  type ConnectionPatch,
  type ConversationEvent,
  type NewConversationInput,
  type ServiceTag,
  type TeamRole,
} from '@spp/domain';
import { CapturingMailTransport } from '../memory/CapturingMailTransport.js';
import type { ServiceScript } from '../memory/ScriptedServiceClient.js';
import { perServicePrekeys } from './perServicePrekeys.js';
import type { Simulation } from './Simulation.js';
import { simulationKey, type SimulationKey } from './simulationKeys.js';

export interface SimProvider {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

export interface SimService {
  readonly id: string;
  readonly providerId: string;
  /** the auth token the platform sends (and the fake service expects) */
  readonly authToken: string;
  /** the key registered for it, which its fake presents */
  readonly key: SimulationKey;
}

export interface SimUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  /** its one permanent client */
  readonly clientId: string;
}

export interface SimBot extends AddedBot {
  /** the bot token the service received in POST /bots */
  readonly token: string;
  readonly convId: string;
  readonly serviceId: string;
  readonly providerId: string;
}

const REGISTRATION_IP = '198.51.100.7';
// one set of (valid) bundles for every simulated user's client: deriving keys costs milliseconds per user
const userBundles = perServicePrekeys();
const text64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Shortcuts that act as the platform's actors through the domain use cases (no HTTP): providers, staff, users,
 * team and conversation admins, and bots. Each returns what a client would learn; failures throw the DomainError.
 * For the exact answer of a step that may fail, call the use case yourself with `sim.attempt(...)`.
 */
export class SimulationActs {
  private providers = 0;
  private users = 0;
  private keys = 0;

  constructor(private readonly sim: Simulation) {}

  /** The n-th deterministic service key of this simulation's seed. */
  key(n: number): SimulationKey {
    return simulationKey(this.sim.seed, n);
  }

  /**
   * Registers a provider, follows the activation link from the captured mail and (by default) has staff approve
   * it — by the approval link mailed to staff when `approve` is `link`.
   */
  async provider(
    options: { readonly name?: string; readonly email?: string; readonly password?: string; readonly activate?: boolean; readonly approve?: boolean | 'link' } = {},
  ): Promise<SimProvider> {
    const { sim } = this;
    const n = ++this.providers;
    const email = options.email ?? `provider-${n}@sim.example`;
    const password = options.password ?? `provider ${n} long password`;
    const { id } = await sim.run(
      registerProvider(
        sim.deps,
        { name: options.name ?? `Provider ${n}`, email, url: 'https://provider.sim.example/', description: 'A simulated provider.', password },
        REGISTRATION_IP,
      ),
    );
    if (options.activate === false) return { id, email, password };
    const activation = await this.codeFromMail(email, 'ProviderActivation');
    await sim.run(activateProvider(sim.deps, activation.key, activation.code));
    if (options.approve === 'link') {
      const request = await this.codeFromMail(sim.deps.policy.approvalEmail, 'ProviderApprovalRequest');
      await sim.run(approveProviderByLink(sim.deps, request.key, request.code));
    } else if (options.approve !== false) await sim.run(approveProviderByStaff(sim.deps, id));
    return { id, email, password };
  }

  /** Sends due mails, then reads the key and code of the newest mail of `purpose` to `to`. */
  async codeFromMail(to: string, purpose: string): Promise<{ key: string; code: string }> {
    await this.sim.deliverMails();
    const mail = this.sim.mail.last({ to, purpose });
    const code = mail && CapturingMailTransport.codeOf(mail);
    if (!code) throw new Error(`no ${purpose} mail with a code to ${to}`);
    return code;
  }

  /**
   * Creates a service with a fresh key (or `key`) and token, registers its scripted fake (which presents that key),
   * and enables it unless `enabled` is false.
   */
  async service(
    provider: SimProvider,
    options: {
      readonly name?: string;
      readonly key?: SimulationKey;
      readonly authToken?: string;
      readonly enabled?: boolean;
      readonly tags?: readonly ServiceTag[];
      readonly script?: ServiceScript;
    } = {},
  ): Promise<SimService> {
    const { sim } = this;
    const key = options.key ?? this.key(++this.keys);
    const authToken = options.authToken ?? `token-${sim.seed}-${this.keys}-${provider.id.slice(0, 8)}`;
    const created = await sim.run(
      createService(sim.deps, provider.id, {
        name: options.name ?? `Service ${this.keys}`,
        summary: 'A simulated service',
        description: 'Answers as its script says.',
        baseUrl: `https://service-${this.keys}.sim.example/api`,
        publicKey: key.pem,
        authToken,
        assets: [],
        tags: options.tags ?? ['tutorial'],
        identityFingerprints: [],
      }),
    );
    sim.services.register(created.id, { presentedKey: key.der, ...options.script });
    if (options.enabled !== false) await this.connection(provider, created.id, { enabled: true });
    return { id: created.id, providerId: provider.id, authToken, key };
  }

  /** `PUT /provider/services/{sid}/connection` with the provider's password. */
  connection(provider: SimProvider, serviceId: string, patch: Omit<ConnectionPatch, 'password'>): Promise<void> {
    return this.sim.run(updateServiceConnection(this.sim.deps, provider.id, serviceId, { password: provider.password, ...patch }));
  }

  deleteService(provider: SimProvider, serviceId: string): Promise<void> {
    return this.sim.run(deleteService(this.sim.deps, provider.id, serviceId, provider.password));
  }

  deleteProvider(provider: SimProvider): Promise<void> {
    return this.sim.run(deleteProvider(this.sim.deps, provider.id, provider.password));
  }

  /** Registers a user with one permanent client (real Proteus prekey bundles). */
  async user(name?: string): Promise<SimUser> {
    const { sim } = this;
    const n = ++this.users;
    const email = `user-${n}@sim.example`;
    const password = `user ${n} long password`;
    const self = await sim.run(registerUser(sim.deps, { name: name ?? `User ${n}`, email, password }, REGISTRATION_IP));
    const bundles = await userBundles({ serviceId: 'simulated-users', botId: self.id, count: 2 });
    const client = await sim.run(
      addUserClient(sim.deps, self.id, { type: 'permanent', class: 'desktop', prekeys: bundles.prekeys, lastPrekey: bundles.last_prekey }),
    );
    return { id: self.id, email, password, clientId: client.id };
  }

  /** Creates a team owned by `owner`; returns its id. */
  async team(owner: SimUser, name = 'Simulated team'): Promise<string> {
    return (await this.sim.run(createTeam(this.sim.deps, owner.id, name))).id;
  }

  async teamMember(actor: SimUser, teamId: string, user: SimUser, role: TeamRole): Promise<void> {
    await this.sim.run(setTeamMember(this.sim.deps, actor.id, teamId, user.id, role));
  }

  /** A group conversation created by `creator`; returns its id. */
  async conversation(creator: SimUser, input: Partial<NewConversationInput> = {}): Promise<string> {
    return (await this.sim.run(createConversation(this.sim.deps, creator.id, { users: [], ...input }))).id;
  }

  whitelist(actor: SimUser, teamId: string, service: SimService, whitelisted: boolean): Promise<boolean> {
    return this.sim.run(
      updateWhitelist(this.sim.deps, this.sim.host, actor.id, teamId, { providerId: service.providerId, serviceId: service.id, whitelisted }),
    );
  }

  /** Adds `service` to a conversation as a bot; the result carries the token the service was given. */
  async addBot(actor: SimUser, convId: string, service: { readonly id: string; readonly providerId: string }): Promise<SimBot> {
    const added = await this.sim.run(addBot(this.sim.deps, this.sim.host, { actor: actor.id, convId, providerId: service.providerId, serviceId: service.id }));
    return { ...added, token: this.botToken(added.id), convId, serviceId: service.id, providerId: service.providerId };
  }

  removeBot(actor: SimUser, convId: string, botId: string) {
    return this.sim.run(removeBotByUser(this.sim.deps, this.sim.host, actor.id, convId, botId));
  }

  /** The token handed to the service in POST /bots for `botId`. */
  botToken(botId: string): string {
    for (const body of this.sim.services.newBotRequests()) {
      const b = body as { id?: unknown; token?: unknown };
      if (b.id === botId && typeof b.token === 'string') return b.token;
    }
    throw new Error(`no NewBotRequest for bot ${botId}`);
  }

  /** What every bot route derives from a bot token (the signature is checked, as the HTTP edge does). */
  botCredentials(token: string): BotCredentials {
    const claims = verifyToken(this.sim.deps.signer, token, this.sim.clock.now());
    if (!claims || claims.type !== 'b') throw new Error('not a valid bot token');
    return { providerId: claims.providerId, botId: claims.botId, convId: claims.convId };
  }

  /**
   * A user sends `text` to every other client in the conversation (bots included) from its client; each
   * recipient's ciphertext is the text itself, base64.
   */
  async send(sender: SimUser, convId: string, text: string) {
    const recipients = await this.recipients(convId, sender.id, sender.clientId, text);
    return this.sim.run(postOtrMessage(this.sim.deps, this.sim.host, sender.id, convId, { sender: sender.clientId, recipients, transient: false }, { kind: 'report-all' }));
  }

  /** A bot sends `text` to every other client of its conversation, with its token. */
  async botSend(token: string, text: string) {
    const creds = this.botCredentials(token);
    const bot = await this.sim.deps.store.read((tx) => tx.bots.get(creds.botId));
    if (!bot) throw new Error(`unknown bot ${creds.botId}`);
    const recipients = await this.recipients(creds.convId, bot.id, bot.clientId, text);
    return this.sim.run(botPostMessage(this.sim.deps, this.sim.host, creds, { sender: bot.clientId, recipients, transient: false }, { kind: 'report-all' }));
  }

  /** Every client of every member but the sender's own client. */
  private recipients(convId: string, senderUser: string, senderClient: string, text: string) {
    return this.sim.deps.store.read(async (tx) => {
      const members = await tx.conversations.listMembers(convId);
      const out: Record<string, Record<string, string>> = {};
      for (const c of await tx.clients.listByUsers(members.map((m) => m.userId))) {
        if (c.userId === senderUser && c.id === senderClient) continue;
        (out[c.userId] ??= {})[c.id] = text64(text);
      }
      return out;
    });
  }

  /** Events the fake service answered 2xx for `botId`, in arrival order (each delivery once). */
  received(botId: string): ConversationEvent[] {
    const seen = new Set<string | undefined>();
    return this.sim.services
      .deliveriesTo(botId)
      .filter((d) => d.result?.ok === true && d.result.status >= 200 && d.result.status < 300)
      .filter((d) => !seen.has(d.deliveryId) && (seen.add(d.deliveryId), true))
      .map((d) => d.event as ConversationEvent);
  }
}
