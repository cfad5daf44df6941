import { Effect } from 'effect';
import type { Job } from '../ports/store/JobRepo.js';
import { call, readOnly, transact } from '../effect/transact.js';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import type { TeamRole, UserRow } from '../ports/store/UserRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { codePoints } from '../shared/ids.js';
import type { BuiltinHost } from './BuiltinHost.js';
import { activeUser, reauthenticateUser } from './users.js';

const insufficient = () => fail('insufficient-permissions', 'Insufficient permissions.');
const teamNotFound = () => fail('not-found', 'Team not found.');

/** the caller's role in team `tid`, or 403 insufficient-permissions when not a member */
const roleIn = (user: UserRow, tid: string): Effect.Effect<TeamRole, DomainError> =>
  user.team === tid && user.teamRole ? Effect.succeed(user.teamRole) : Effect.fail(insufficient());

/** `POST /teams`: the creator becomes owner */
export const createTeam = (deps: Deps, uid: string, name: string) =>
  Effect.gen(function* () {
    const n = codePoints(name);
    if (n < 1 || n > 256) return yield* Effect.fail(badRequest('name: must be 1..256 characters'));
    return yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        const user = yield* activeUser(tx, uid);
        if (user.team !== null) return yield* Effect.fail(fail('already-in-team', 'The user is already a member of a team.'));
        const team = { id: deps.random.uuidV4(), name, creator: uid, createdAt: deps.clock.now() };
        yield* call(() => tx.teams.insert(team));
        yield* call(() => tx.users.update({ ...user, team: team.id, teamRole: 'owner' }));
        return { id: team.id, name: team.name, creator: team.creator };
      }),
    );
  });

/**
 * `POST /teams/{tid}/members`: owners and admins add members or change roles; only owners grant `owner` or
 * change an owner's role.
 */
export const setTeamMember = (deps: Deps, uid: string, tid: string, target: string, role: TeamRole) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const caller = yield* activeUser(tx, uid);
      const callerRole = yield* roleIn(caller, tid);
      if (callerRole === 'member') return yield* Effect.fail(insufficient());
      const user = yield* call(() => tx.users.get(target));
      if (!user || user.deleted || user.service !== null) return yield* Effect.fail(fail('not-found', 'User not found'));
      if (user.team !== null && user.team !== tid)
        return yield* Effect.fail(fail('already-in-team', 'The user is already a member of another team.'));
      if (callerRole !== 'owner' && (role === 'owner' || user.teamRole === 'owner')) return yield* Effect.fail(insufficient());
      yield* call(() => tx.users.update({ ...user, team: tid, teamRole: role }));
      return { user: target, role };
    }),
  );

const ownerOf = (tx: Tx, uid: string, tid: string) =>
  Effect.gen(function* () {
    if (!(yield* call(() => tx.teams.get(tid)))) return yield* Effect.fail(teamNotFound());
    const user = yield* call(() => tx.users.get(uid));
    if (!user || user.deleted || user.team !== tid || user.teamRole !== 'owner') return yield* Effect.fail(insufficient());
    return user;
  });

/** kind of the durable job that deletes a team */
export const TEAM_DELETION_JOB = 'team-deletion';

export interface TeamDeletionPayload {
  readonly teamId: string;
  readonly actor: string;
}

/**
 * `DELETE /teams/{tid}` (owner, with the password) → 202: a durable job is queued in the same transaction as the
 * owner check; the job (`teamDeletionStep`) then deletes every team conversation (conversation.delete from the
 * owner to each user and bot; the platform removes the bots), every member's account, and the team.
 */
export const deleteTeam = (deps: Deps, uid: string, tid: string, password: string) =>
  Effect.gen(function* () {
    const owner = yield* readOnly(deps.store, (tx) => ownerOf(tx, uid, tid));
    yield* reauthenticateUser(deps, owner, password);
    yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        yield* ownerOf(tx, uid, tid);
        const now = deps.clock.now();
        const payload: TeamDeletionPayload = { teamId: tid, actor: uid };
        yield* call(() => tx.jobs.enqueue({ kind: TEAM_DELETION_JOB, payload, runAfter: now, now }));
      }),
    );
  });

/**
 * The job's only step, in one transaction: a crash before the commit leaves the team whole and the job is
 * claimed again after its lease; a team already gone (a repeated request) just completes the job.
 */
export const teamDeletionStep = (deps: Deps, host: BuiltinHost, job: Job, worker: string, leaseMs: number) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      if (!(yield* call(() => tx.jobs.renew(job.id, worker, deps.clock.now() + leaseMs)))) return 'lost' as const;
      const { teamId, actor } = job.payload as TeamDeletionPayload;
      if (yield* call(() => tx.teams.get(teamId))) yield* host.deleteTeamTx(tx, actor, teamId);
      yield* call(() => tx.jobs.complete(job.id, worker));
      return 'done' as const;
    }),
  );
