import fc from 'fast-check';
import { createSimulation, type SimulationWrappers } from '@spp/adapters';
import { lifecycleCommands, make } from './commands.js';
import type { Real } from './invariants.js';
import { Model, type MUser } from './model.js';

export interface WorldOptions {
  readonly store?: 'memory' | 'sqlite';
  /** fast-check's `replayPath` of a reported counterexample (with its seed and path) */
  readonly replayPath?: string;
  /** port wrappers, e.g. to plant a bug and watch the properties catch it */
  readonly wrap?: SimulationWrappers;
}

/**
 * The lifecycle world every run starts from: four users with one client each, a team (owner, admin, member; the
 * fourth user is outside it), one approved provider with an enabled service the team whitelists, a team
 * conversation and a non-team one. Everything else comes from the commands.
 */
export const setupWorld = async (seed: number, options: WorldOptions = {}): Promise<{ model: Model; real: Real }> => {
  const sim = await createSimulation({ seed, store: options.store ?? 'memory', ...(options.wrap ? { wrap: options.wrap } : {}) });
  const users = [await sim.act.user('Owner'), await sim.act.user('Admin'), await sim.act.user('Member'), await sim.act.user('Outsider')];
  const team = await sim.act.team(users[0]!);
  await sim.act.teamMember(users[0]!, team, users[1]!, 'admin');
  await sim.act.teamMember(users[0]!, team, users[2]!, 'member');
  const roles = ['owner', 'admin', 'member', null] as const;
  const modelUsers: MUser[] = users.map((u, i) => ({ id: u.id, clientId: u.clientId, teamRole: roles[i]! }));
  const model = new Model(modelUsers, team, sim.deps.policy.approvalEmail, () => sim.clock.now());
  const real: Real = { sim, seen: { providers: new Map(), services: new Map(), bots: new Map() }, deliveries: new Map(), indexed: 0 };
  for (const step of [
    make.register('fresh'),
    make.activate(0),
    make.approveByLink(0),
    make.newService({ provider: 0, key: 0 }),
    make.setEnabled({ i: 0, on: true }),
    make.whitelist({ actor: 0, i: 0, on: true }),
    make.newConversation({ creator: 0, team: true, invite: [1, 2], role: 'wire_member', service: true }),
    make.newConversation({ creator: 3, team: false, invite: [0], role: 'wire_admin', service: true }),
  ])
    await step.run(model, real);
  return { model, real };
};

/** Runs stop after this many commands (about half that on average). */
export const MAX_COMMANDS = 100;

/**
 * The property: whatever sequence of lifecycle commands runs on a simulation seeded from the generated seed, every
 * command answers what the model predicts and every invariant holds after every step.
 */
export const lifecycleProperty = (options: WorldOptions = {}) =>
  fc.asyncProperty(
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    fc.commands(lifecycleCommands, { maxCommands: MAX_COMMANDS, size: 'max', ...(options.replayPath ? { replayPath: options.replayPath } : {}) }),
    async (seed, commands) => {
      const setup = await setupWorld(seed, options);
      try {
        await fc.asyncModelRun(() => setup, commands);
      } finally {
        await setup.real.sim.close();
      }
    },
  );
