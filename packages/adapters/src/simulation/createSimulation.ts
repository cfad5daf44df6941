import {
  BuiltinHost,
  call,
  onConversationEvent,
  type ConversationEventSink,
  type Deps,
  type PasswordHasher,
  type Policy,
  type ServiceClient,
  type Store,
} from '@spp/domain';
import { CapturingMailTransport } from '../memory/CapturingMailTransport.js';
import { MemoryStore } from '../memory/MemoryStore.js';
import { ScriptedServiceClient } from '../memory/ScriptedServiceClient.js';
import { RsaKeyInspector } from '../crypto/RsaKeyInspector.js';
import { SeededRandom } from '../crypto/SeededRandom.js';
import { ProteusPrekeyValidator } from '../proteus/ProteusPrekeyValidator.js';
import { openSqliteStore } from '../sqlite/openSqliteStore.js';
import { RecordingLogger } from './RecordingLogger.js';
import { Simulation } from './Simulation.js';
import { SimulationActs } from './SimulationActs.js';
import { SimulationClock } from './SimulationClock.js';
import { SimulationHasher } from './SimulationHasher.js';
import { perServicePrekeys } from './perServicePrekeys.js';
import { simulationSigner } from './simulationKeys.js';

/** Hooks to wrap a port, e.g. to inject a fault (testing the tests) or to let fc.scheduler order its calls. */
export interface SimulationWrappers {
  readonly store?: (store: Store) => Store;
  readonly serviceClient?: (client: ServiceClient) => ServiceClient;
  /** the host's event sink (the platform's `onConversationEvent`) */
  readonly sink?: (sink: ConversationEventSink) => ConversationEventSink;
}

export interface SimulationOptions {
  /** everything random (ids, codes, tokens' keys, prekeys) derives from it: a failing run replays from its seed */
  readonly seed: number;
  /** `memory` (default), `sqlite` (an in-memory SQLite database behind the real SQL repositories), or any Store */
  readonly store?: 'memory' | 'sqlite' | Store;
  readonly policy?: Partial<Policy>;
  /** default: SimulationHasher (cheap, deterministic) */
  readonly hasher?: PasswordHasher;
  /** clock start, Unix ms; default 2026-01-31T12:00:00Z */
  readonly startAt?: number;
  readonly wrap?: SimulationWrappers;
}

/** The simulation plus shortcuts for acting as providers, staff, users and conversation admins. */
export type PlatformSimulation = Simulation & { readonly act: SimulationActs };

export const simulationPolicy = (over: Partial<Policy> = {}): Policy => ({
  providerApproval: 'staff',
  approvalEmail: 'staff@sim.example',
  publicUrl: 'https://platform.sim.example',
  domain: 'sim.example',
  mailFrom: 'no-reply@sim.example',
  providerTokenTtl: 86400,
  userTokenTtl: 86400,
  rateLimits: false,
  ...over,
});

const counting = (store: Store, bump: () => void): Store => ({
  get kind() {
    return store.kind;
  },
  transaction: (fn, options) => {
    bump();
    return store.transaction(fn, options).finally(bump);
  },
  read: (fn) => {
    bump();
    return store.read(fn).finally(bump);
  },
  onCommit: (listener) => store.onCommit(listener),
  ping: () => store.ping(),
  close: () => store.close(),
});

const countingClient = (client: ServiceClient, bump: () => void): ServiceClient => ({
  post: (endpoint, request) => {
    bump();
    return client.post(endpoint, request).finally(bump);
  },
  closeService: (id) => client.closeService(id),
  close: () => client.close(),
});

/**
 * Composes the whole platform on fakes: the domain's use cases and the built-in host over an in-memory (or
 * SQLite) store, a SimulationClock, seeded randomness and signing key, a capturing mail transport and scripted
 * fake services behind the outbound port. The host's events flow into the platform's delivery queue and cascades
 * exactly as in the app (`onConversationEvent`; a deleted team's whitelist goes with it).
 */
export const createSimulation = async (options: SimulationOptions): Promise<PlatformSimulation> => {
  const { seed } = options;
  let activity = 0;
  const bump = () => void activity++;
  const clock = new SimulationClock(options.startAt);
  const logger = new RecordingLogger();
  const baseStore =
    options.store === undefined || options.store === 'memory'
      ? new MemoryStore()
      : options.store === 'sqlite'
        ? await openSqliteStore(':memory:')
        : options.store;
  const store = counting(options.wrap?.store ? options.wrap.store(baseStore) : baseStore, bump);
  const services = new ScriptedServiceClient({ clock, prekeys: perServicePrekeys() });
  const serviceClient = countingClient(options.wrap?.serviceClient ? options.wrap.serviceClient(services) : services, bump);
  const deps: Deps = {
    store,
    clock,
    random: new SeededRandom(seed),
    hasher: options.hasher ?? new SimulationHasher(),
    signer: simulationSigner(seed),
    logger,
    policy: simulationPolicy(options.policy),
    serviceClient,
    keyInspector: new RsaKeyInspector(),
    prekeyValidator: await ProteusPrekeyValidator.create(),
  };
  const platformSink: ConversationEventSink = (tx, event, bots) => onConversationEvent(deps, host, tx, event, bots);
  const sink = options.wrap?.sink ? options.wrap.sink(platformSink) : platformSink;
  const host: BuiltinHost = new BuiltinHost(deps, sink, {
    onTeamDeleted: (tx, teamId) => call(() => tx.services.deleteWhitelistOfTeam(teamId)),
  });
  const sim = new Simulation({
    seed,
    deps,
    host,
    clock,
    mail: new CapturingMailTransport(clock),
    services,
    logger,
    activity: () => activity + clock.sleepsStarted,
  });
  return Object.assign(sim, { act: new SimulationActs(sim) });
};
