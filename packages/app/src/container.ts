import 'reflect-metadata';
import {
  Ed25519Signer,
  MemoryStore,
  NodeRandom,
  ProteusPrekeyValidator,
  RsaKeyInspector,
  ScryptHasher,
  SystemClock,
  openSqliteStore,
} from '@spp/adapters';
import type { Clock, Deps, Logger, PasswordHasher, Policy, PrekeyValidator, PublicKeyInspector, Random, ServiceClient, Store, TokenSigner } from '@spp/domain';
import { Container } from 'inversify';
import type { Config } from './config.js';
import { Metrics } from './metrics.js';
import { createServiceClient } from './wiring/serviceClient.js';
import { openPostgresStoreIfConfigured } from './wiring/postgres.js';

/** Port symbols: the composition root binds each to one adapter. */
export const TYPES = {
  Config: Symbol.for('Config'),
  Store: Symbol.for('Store'),
  Clock: Symbol.for('Clock'),
  Random: Symbol.for('Random'),
  PasswordHasher: Symbol.for('PasswordHasher'),
  TokenSigner: Symbol.for('TokenSigner'),
  Logger: Symbol.for('Logger'),
  Policy: Symbol.for('Policy'),
  ServiceClient: Symbol.for('ServiceClient'),
  PublicKeyInspector: Symbol.for('PublicKeyInspector'),
  PrekeyValidator: Symbol.for('PrekeyValidator'),
  Metrics: Symbol.for('Metrics'),
  Deps: Symbol.for('Deps'),
} as const;

export const policyOf = (c: Config): Policy => ({
  providerApproval: c.providerApproval,
  approvalEmail: c.approvalEmail,
  publicUrl: c.publicUrl,
  domain: c.domain,
  mailFrom: c.mailFrom,
  providerTokenTtl: c.providerTokenTtl,
  userTokenTtl: c.userTokenTtl,
  rateLimits: c.rateLimits,
});

/** Overrides a test or an embedder may pass instead of the configured adapters. */
export interface PortOverrides {
  store?: Store;
  clock?: Clock;
  random?: Random;
  hasher?: PasswordHasher;
  signer?: TokenSigner;
  serviceClient?: ServiceClient;
  keyInspector?: PublicKeyInspector;
  prekeyValidator?: PrekeyValidator;
}

/** Builds the container: the only place that knows which adapter serves which port. */
export const buildContainer = async (config: Config, logger: Logger, overrides: PortOverrides = {}): Promise<Container> => {
  const c = new Container();
  const store =
    overrides.store ?? (await openPostgresStoreIfConfigured(config)) ?? (config.sqliteFile === ':memory:' ? new MemoryStore() : await openSqliteStore(config.sqliteFile));
  c.bind<Config>(TYPES.Config).toConstantValue(config);
  c.bind<Store>(TYPES.Store).toConstantValue(store);
  c.bind<Clock>(TYPES.Clock).toConstantValue(overrides.clock ?? new SystemClock());
  c.bind<Random>(TYPES.Random).toConstantValue(overrides.random ?? new NodeRandom());
  c.bind<PasswordHasher>(TYPES.PasswordHasher).toConstantValue(overrides.hasher ?? new ScryptHasher());
  c.bind<TokenSigner>(TYPES.TokenSigner).toConstantValue(overrides.signer ?? Ed25519Signer.fromKeyFile(config.keyFile));
  c.bind<Logger>(TYPES.Logger).toConstantValue(logger);
  c.bind<Policy>(TYPES.Policy).toConstantValue(policyOf(config));
  c.bind<ServiceClient>(TYPES.ServiceClient).toConstantValue(overrides.serviceClient ?? createServiceClient(config, logger));
  c.bind<PublicKeyInspector>(TYPES.PublicKeyInspector).toConstantValue(overrides.keyInspector ?? new RsaKeyInspector());
  c.bind<PrekeyValidator>(TYPES.PrekeyValidator).toConstantValue(overrides.prekeyValidator ?? (await ProteusPrekeyValidator.create()));
  c.bind<Metrics>(TYPES.Metrics).toConstantValue(new Metrics(true));
  c.bind<Deps>(TYPES.Deps).toDynamicValue((ctx) => ({
    store: ctx.get<Store>(TYPES.Store),
    clock: ctx.get<Clock>(TYPES.Clock),
    random: ctx.get<Random>(TYPES.Random),
    hasher: ctx.get<PasswordHasher>(TYPES.PasswordHasher),
    signer: ctx.get<TokenSigner>(TYPES.TokenSigner),
    logger: ctx.get<Logger>(TYPES.Logger),
    policy: ctx.get<Policy>(TYPES.Policy),
    serviceClient: ctx.get<ServiceClient>(TYPES.ServiceClient),
    keyInspector: ctx.get<PublicKeyInspector>(TYPES.PublicKeyInspector),
    prekeyValidator: ctx.get<PrekeyValidator>(TYPES.PrekeyValidator),
  })).inSingletonScope();
  return c;
};
