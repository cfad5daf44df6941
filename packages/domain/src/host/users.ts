import { Effect } from 'effect';
import { call, readOnly, transact } from '../effect/transact.js';
import { badRequest, fail, type DomainError } from '../errors/DomainError.js';
import type { UserRow } from '../ports/store/UserRepo.js';
import type { Tx } from '../ports/store/Store.js';
import type { Deps } from '../platform.js';
import { PASSWORD_BUCKET, REGISTRATION_BUCKET } from '../ratelimit/bucket.js';
import { consumeToken, ipBucketKey } from '../ratelimit/consume.js';
import { emailKey, isValidNewPassword, isValidPasswordToCheck, parseEmail } from '../shared/email.js';
import { codePoints } from '../shared/ids.js';
import { mintToken } from '../token/tokens.js';
import { isValidHandle, isValidLocale } from './rules.js';
import { selfUserView, userProfileView } from './views.js';

/** registration bucket of users: the providers' bucket rules in the `user` namespace (host.md §1) */
export const userRegistrationBucketKey = (ip: string): string => `reg:user:${ipBucketKey(ip)}`;
/** password bucket of users, keyed by e-mail key like the providers' */
export const userPasswordBucketKey = (key: string): string => `pw:user:${key}`;

const accessDenied = () => fail('access-denied', 'Access denied.');
const invalidCredentials = () => fail('invalid-credentials', 'Authentication failed.');

/** The caller's account: a deleted or unknown user gets 403 access-denied on account routes (host.md §1). */
export const activeUser = (tx: Tx, uid: string): Effect.Effect<UserRow, DomainError> =>
  Effect.flatMap(call(() => tx.users.get(uid)), (u) => (u && !u.deleted ? Effect.succeed(u) : Effect.fail(accessDenied())));

export interface RegisterUserInput {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly locale?: string;
  readonly accentId?: number;
}

/** `POST /register`: body rules → registration bucket (committed on its own) → e-mail taken → user. */
export const registerUser = (deps: Deps, input: RegisterUserInput, ip: string) =>
  Effect.gen(function* () {
    const n = codePoints(input.name);
    if (n < 1 || n > 128) return yield* Effect.fail(badRequest('name: must be 1..128 characters'));
    const email = parseEmail(input.email);
    if (email === undefined) return yield* Effect.fail(badRequest('email: invalid e-mail address'));
    if (!isValidNewPassword(input.password)) return yield* Effect.fail(badRequest('password: must be 8..1024 characters'));
    const locale = input.locale ?? 'en';
    if (!isValidLocale(locale)) return yield* Effect.fail(badRequest('locale: must be ll or ll-CC'));

    yield* transact(deps.store, (tx) =>
      consumeToken(tx, REGISTRATION_BUCKET, userRegistrationBucketKey(ip), deps.clock.now(), deps.policy.rateLimits),
    );
    const passwordHash = yield* call(() => deps.hasher.hash(input.password));
    const user = yield* transact(deps.store, (tx) =>
      Effect.gen(function* () {
        if (yield* call(() => tx.users.findByEmailKey(emailKey(email))))
          return yield* Effect.fail(fail('key-exists', 'The given e-mail address is in use.'));
        const row: UserRow = {
          id: deps.random.uuidV4(),
          name: input.name,
          email,
          emailKey: emailKey(email),
          passwordHash,
          handle: null,
          accentId: input.accentId ?? 0,
          assets: [],
          locale,
          team: null,
          teamRole: null,
          service: null,
          deleted: false,
          createdAt: deps.clock.now(),
        };
        yield* call(() => tx.users.insert(row));
        return row;
      }),
    );
    return selfUserView(user, deps.policy.domain);
  });

/**
 * `POST /login`: the providers' no-oracle rules — password bucket by e-mail key, then one full verification
 * (against the dummy hash when there is no live account), the same answer for every failure.
 */
export const loginUser = (deps: Deps, input: { readonly email: string; readonly password: string }) =>
  Effect.gen(function* () {
    const email = parseEmail(input.email);
    if (email === undefined) return yield* Effect.fail(badRequest('email: invalid e-mail address'));
    if (!isValidPasswordToCheck(input.password)) return yield* Effect.fail(badRequest('password: must be 1..1024 characters'));
    const key = emailKey(email);
    yield* transact(deps.store, (tx) => consumeToken(tx, PASSWORD_BUCKET, userPasswordBucketKey(key), deps.clock.now(), deps.policy.rateLimits));
    const user = yield* readOnly(deps.store, (tx) => call(() => tx.users.findByEmailKey(key)));
    const live = user && !user.deleted && user.passwordHash !== null ? user : undefined;
    const check = yield* call(() => deps.hasher.verify(input.password, live?.passwordHash ?? deps.hasher.dummyHash));
    if (!live || !check.ok) return yield* Effect.fail(invalidCredentials());
    if (check.needsRehash) {
      const rehashed = yield* call(() => deps.hasher.hash(input.password));
      yield* transact(deps.store, (tx) =>
        Effect.gen(function* () {
          const now = yield* call(() => tx.users.get(live.id));
          if (now && now.passwordHash === live.passwordHash) yield* call(() => tx.users.update({ ...now, passwordHash: rehashed }));
        }),
      );
    }
    const ttl = deps.policy.userTokenTtl;
    const token = mintToken(deps.signer, { type: 'a', userId: live.id }, Math.floor(deps.clock.now() / 1000) + ttl);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, user: live.id };
  });

/**
 * Re-authentication of a user with the current password (DELETE /teams/{tid}): password bucket of the user's
 * e-mail, then the check; the scrypt work runs outside any transaction.
 */
export const reauthenticateUser = (deps: Deps, user: UserRow, password: string): Effect.Effect<void, DomainError> =>
  Effect.gen(function* () {
    if (user.emailKey !== null)
      yield* transact(deps.store, (tx) =>
        consumeToken(tx, PASSWORD_BUCKET, userPasswordBucketKey(user.emailKey!), deps.clock.now(), deps.policy.rateLimits),
      );
    const check = yield* call(() => deps.hasher.verify(password, user.passwordHash ?? deps.hasher.dummyHash));
    if (user.passwordHash === null || !check.ok) return yield* Effect.fail(invalidCredentials());
  });

/** `GET /self` */
export const getSelfUser = (deps: Deps, uid: string) =>
  readOnly(deps.store, (tx) => Effect.map(activeUser(tx, uid), (u) => selfUserView(u, deps.policy.domain)));

/** `PUT /self/handle` */
export const setUserHandle = (deps: Deps, uid: string, handle: string) =>
  transact(deps.store, (tx) =>
    Effect.gen(function* () {
      const user = yield* activeUser(tx, uid);
      if (!isValidHandle(handle)) return yield* Effect.fail(fail('invalid-handle', 'The given handle is invalid.'));
      if (user.handle === handle) return;
      const owner = yield* call(() => tx.users.findByHandle(handle));
      if (owner && owner.id !== uid) return yield* Effect.fail(fail('handle-exists', 'The given handle is already taken.'));
      yield* call(() => tx.users.update({ ...user, handle }));
    }),
  );

/** `GET /users/{uid}` and `GET /users/{domain}/{uid}` */
export const getUserProfile = (deps: Deps, uid: string, domain?: string) =>
  readOnly(deps.store, (tx) =>
    Effect.gen(function* () {
      const user = domain === undefined || domain === deps.policy.domain ? yield* call(() => tx.users.get(uid)) : undefined;
      if (!user) return yield* Effect.fail(fail('not-found', 'User not found'));
      return userProfileView(user, deps.policy.domain);
    }),
  );

/** `GET /users?ids=`: known users only */
export const getUserProfiles = (deps: Deps, ids: readonly string[]) =>
  readOnly(deps.store, (tx) =>
    Effect.map(call(() => tx.users.getMany(ids)), (users) => {
      const byId = new Map(users.map((u) => [u.id, u]));
      return [...new Set(ids)].flatMap((id) => {
        const u = byId.get(id);
        return u ? [userProfileView(u, deps.policy.domain)] : [];
      });
    }),
  );
