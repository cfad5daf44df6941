import { MemoryStore } from '@spp/adapters';
import {
  TEAM_DELETION_JOB,
  teamDeletionStep,
  BuiltinHost,
  addUserClient,
  createConversation,
  createTeam,
  deleteTeam,
  deleteTeamConversation,
  fail,
  getUserProfile,
  postOtrMessage,
  registerUser,
  renameConversation,
  transact,
  updateConversationAccess,
  type ConversationEventSink,
  type Deps,
  type ServiceRef,
} from '@spp/domain';
import { Effect, Exit } from 'effect';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle, hostDeps, initProteus, recordingSink, type SinkCall } from './support.js';

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e as Effect.Effect<A, never>);
const service: ServiceRef = { id: '22222222-2222-4222-8222-222222222222', provider: '11111111-1111-4111-8111-111111111111' };

const user = async (deps: Deps, name: string) =>
  (await run(registerUser(deps, { name, email: `${name}@example.com`, password: 'a long password' }, '192.0.2.1'))).id;

const client = async (deps: Deps, uid: string) =>
  (await run(addUserClient(deps, uid, { type: 'permanent', prekeys: [], lastPrekey: { id: 65535, key: bundle(65535) } }))).id;

/** a bot as the platform adds one: user, client, membership — in one transaction */
const addBot = (deps: Deps, host: BuiltinHost, actor: string, cid: string, n: number) =>
  run(
    transact(deps.store, (tx) =>
      Effect.promise(async () => {
        const id = `${n}${n}${n}${n}${n}${n}${n}${n}-4444-4444-8444-444444444444`;
        const clientId = `b0${n}`;
        await host.createBotUser(tx, { id, name: `Bot ${n}`, accentId: 0, assets: [], service, locale: 'en' });
        await host.createBotClient(tx, id, { id: clientId, prekeys: [], lastPrekey: { id: 65535, key: bundle(65535) } });
        await host.addBotMember(tx, actor, cid, id, service);
        return { id, clientId };
      }),
    ),
  );

const summary = (calls: readonly SinkCall[]) =>
  calls.map((c) => ({ type: c.event.type, bots: c.bots, ...(c.event.type === 'conversation.otr-message-add' ? { data: c.event.data } : {}) }));

describe('BuiltinHost hands every conversation event to the sink with the right bots', () => {
  beforeAll(initProteus);

  it('member-join, rename, member-leave, access-update, otr-message-add and delete', async () => {
    const deps = await hostDeps();
    const { calls, sink } = recordingSink();
    const host = new BuiltinHost(deps, sink);
    const alice = await user(deps, 'alice');
    const bob = await user(deps, 'bob');
    const a1 = await client(deps, alice);
    const conv = await run(createConversation(deps, alice, { users: [bob] }));
    expect(calls).toEqual([]); // creation emits no conversation event

    const bot1 = await addBot(deps, host, alice, conv.id, 1);
    const bot2 = await addBot(deps, host, alice, conv.id, 2);
    expect(await run(getUserProfile(deps, bot1.id))).toEqual({
      id: bot1.id,
      qualified_id: { id: bot1.id, domain: 'example.com' },
      name: 'Bot 1',
      accent_id: 0,
      assets: [],
      service,
    });
    expect(summary(calls)).toEqual([
      { type: 'conversation.member-join', bots: [bot1.id] },
      { type: 'conversation.member-join', bots: [bot1.id, bot2.id] },
    ]);

    calls.length = 0;
    await run(renameConversation(deps, host, alice, conv.id, 'Renamed'));
    await run(transact(deps.store, (tx) => Effect.promise(() => host.removeMember(tx, alice, conv.id, bot1.id, 'removed'))));
    await run(transact(deps.store, (tx) => Effect.promise(() => host.removeMember(tx, bob, conv.id, bob, 'left'))));
    const silent = await run(transact(deps.store, (tx) => Effect.promise(() => host.removeMember(tx, alice, conv.id, bot1.id, 'removed'))));
    expect(silent).toBeUndefined(); // not a member any more: nothing emitted
    expect(summary(calls)).toEqual([
      { type: 'conversation.rename', bots: [bot1.id, bot2.id] },
      { type: 'conversation.member-leave', bots: [bot1.id, bot2.id] }, // every bot before the change, the removed one included
      { type: 'conversation.member-leave', bots: [bot2.id] },
    ]);

    calls.length = 0;
    const bot3 = await addBot(deps, host, alice, conv.id, 3);
    calls.length = 0;
    const sent = await run(
      postOtrMessage(
        deps,
        host,
        alice,
        conv.id,
        { sender: a1, recipients: { [bot2.id]: { [bot2.clientId]: 'Zm9yIDI=' }, [bot3.id]: { [bot3.clientId]: 'Zm9yIDM=' } }, transient: true },
        { kind: 'report-all' },
      ),
    );
    expect(sent.status).toBe(201);
    expect(summary(calls)).toEqual([
      { type: 'conversation.otr-message-add', bots: [bot2.id], data: { sender: a1, recipient: bot2.clientId, text: 'Zm9yIDI=' } },
      { type: 'conversation.otr-message-add', bots: [bot3.id], data: { sender: a1, recipient: bot3.clientId, text: 'Zm9yIDM=' } },
    ]);

    calls.length = 0;
    const ev = await run(updateConversationAccess(deps, host, alice, conv.id, { access: ['invite'], accessRole: ['team_member'] }));
    expect(ev?.data).toEqual({ access: ['invite'], access_role: 'team', access_role_v2: ['team_member'] });
    expect(summary(calls)).toEqual([{ type: 'conversation.access-update', bots: [bot2.id, bot3.id] }]);
    // the host leaves removing the bots to the platform
    const members = await deps.store.read((tx) => host.getConversationInternal(tx, conv.id));
    expect(members?.members.map((m) => m.id)).toEqual([alice, bot2.id, bot3.id]);
  });

  it('lets the sink remove bots mid-transaction after an access-update dropping `service`, and rolls back when it fails', async () => {
    const deps = await hostDeps();
    const calls: SinkCall[] = [];
    let failOn: string | undefined;
    // the platform's behaviour in miniature: after an access-update without `service`, remove each bot via the port
    const sink: ConversationEventSink = (tx, event, bots) =>
      Effect.gen(function* () {
        calls.push({ event, bots: [...bots] });
        if (event.type === failOn) return yield* Effect.fail(fail('internal-error', 'sink failed'));
        const roles = (event.data as { access_role_v2?: string[] } | null)?.access_role_v2;
        if (event.type === 'conversation.access-update' && roles && !roles.includes('service'))
          for (const bot of bots)
            yield* Effect.promise(async () => {
              await host.removeMember(tx, bot, event.conversation, bot, 'removed');
              await host.deleteBotUser(tx, bot);
            });
      });
    const host: BuiltinHost = new BuiltinHost(deps, sink);
    const alice = await user(deps, 'alice');
    const conv = await run(createConversation(deps, alice, { users: [] }));
    const bot1 = await addBot(deps, host, alice, conv.id, 1);
    const bot2 = await addBot(deps, host, alice, conv.id, 2);

    failOn = 'conversation.member-leave';
    calls.length = 0;
    const failed = await Effect.runPromiseExit(updateConversationAccess(deps, host, alice, conv.id, { access: ['invite'], accessRole: ['team_member'] }));
    expect(Exit.isFailure(failed)).toBe(true);
    const unchanged = await deps.store.read((tx) => host.getConversationInternal(tx, conv.id));
    expect(unchanged?.accessRole).toEqual(['team_member', 'non_team_member', 'service']);
    expect(unchanged?.members.map((m) => m.id)).toEqual([alice, bot1.id, bot2.id]);

    failOn = undefined;
    calls.length = 0;
    await run(updateConversationAccess(deps, host, alice, conv.id, { access: ['invite'], accessRole: ['team_member'] }));
    expect(summary(calls)).toEqual([
      { type: 'conversation.access-update', bots: [bot1.id, bot2.id] },
      { type: 'conversation.member-leave', bots: [bot1.id, bot2.id] },
      { type: 'conversation.member-leave', bots: [bot2.id] },
    ]);
    const after = await deps.store.read(async (tx) => ({
      conv: await host.getConversationInternal(tx, conv.id),
      bot: await host.getUser(tx, bot1.id),
      clients: await host.listClients(tx, bot1.id),
      stream: await tx.notifications.page(alice, 0, undefined, 0, 100),
    }));
    expect(after.conv?.members.map((m) => m.id)).toEqual([alice]);
    expect(after.bot).toMatchObject({ deleted: true, name: 'default', service });
    expect(await run(getUserProfile(deps, bot2.id))).toEqual({
      id: bot2.id,
      qualified_id: { id: bot2.id, domain: 'example.com' },
      name: 'default',
      accent_id: 0,
      assets: [],
      service,
      deleted: true,
    });
    expect(after.clients).toEqual([]);
    expect(after.stream.map((n) => (n.payload as { type: string }[])[0]!.type)).toEqual([
      'conversation.member-join',
      'conversation.member-join',
      'conversation.access-update',
      'conversation.member-leave',
      'conversation.member-leave',
    ]);
  });

  it('hands conversation.delete to the sink while the conversation still exists, for conversation and team deletion', async () => {
    const deps = await hostDeps(new MemoryStore());
    const seen: { type: string; bots: string[]; existed: boolean; team?: string }[] = [];
    const sink: ConversationEventSink = (tx, event, bots) =>
      Effect.promise(async () => {
        const existed = (await host.getConversationInternal(tx, event.conversation)) !== undefined;
        seen.push({ type: event.type, bots: [...bots], existed, ...(event.team ? { team: event.team } : {}) });
        if (event.type === 'conversation.delete') for (const b of bots) await host.removeMember(tx, b, event.conversation, b, 'removed', false);
      });
    const host: BuiltinHost = new BuiltinHost(deps, sink);
    const alice = await user(deps, 'alice');
    const bob = await user(deps, 'bob');
    const team = await run(createTeam(deps, alice, 'Acme'));
    const c1 = await run(createConversation(deps, alice, { users: [bob], team: team.id }));
    const c2 = await run(createConversation(deps, alice, { users: [bob], team: team.id }));
    const outside = await run(createConversation(deps, bob, { users: [alice] }));
    const b1 = await addBot(deps, host, alice, c1.id, 1);
    const b2 = await addBot(deps, host, alice, c2.id, 2);
    const b3 = await addBot(deps, host, bob, outside.id, 3);
    seen.length = 0;

    await run(deleteTeamConversation(deps, host, alice, team.id, c1.id));
    expect(seen).toEqual([{ type: 'conversation.delete', bots: [b1.id], existed: true, team: team.id }]);

    seen.length = 0;
    await run(deleteTeam(deps, alice, team.id, 'a long password'));
    expect(seen).toEqual([]); // only the job does the work
    const job = await deps.store.transaction((tx) => tx.jobs.claim([TEAM_DELETION_JOB], 'w1', deps.clock.now(), 60_000));
    expect(await run(teamDeletionStep(deps, host, job!, 'w1', 60_000))).toBe('done');
    expect(seen).toEqual([
      { type: 'conversation.delete', bots: [b2.id], existed: true, team: team.id },
      // alice (the only team member) leaves the non-team conversation: its bot gets the member-leave
      { type: 'conversation.member-leave', bots: [b3.id], existed: true },
    ]);
    const state = await deps.store.read(async (tx) => ({
      c2: await host.getConversationInternal(tx, c2.id),
      outside: await host.getConversationInternal(tx, outside.id),
      team: await tx.teams.get(team.id),
      alice: await host.getUser(tx, alice),
    }));
    expect(state.c2).toBeUndefined();
    expect(state.outside?.members.map((m) => m.id)).toEqual([bob, b3.id]);
    expect(state.team).toBeUndefined();
    expect(state.alice?.deleted).toBe(true);
  });
});
