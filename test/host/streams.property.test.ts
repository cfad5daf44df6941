import fc from 'fast-check';
import { MemoryStore } from '@spp/adapters';
import {
  BuiltinHost,
  addUserClient,
  createConversation,
  listNotifications,
  postOtrMessage,
  registerUser,
  renameConversation,
  transact,
  type ConversationEvent,
} from '@spp/domain';
import { Effect } from 'effect';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle, hostDeps, initProteus, recordingSink, type HostDeps } from './support.js';

/**
 * Random sequences of create / bot join / leave / send / rename / delete, run through the host's use cases on a
 * MemoryStore, against a model that knows only the spec's rules (host.md §6): each user's stream must be exactly
 * the model's, in order, whichever client filter or page size is used to read it.
 */

type Op =
  | { kind: 'create'; creator: number; invite: number[] }
  | { kind: 'join'; conv: number; actor: number }
  | { kind: 'leave'; conv: number; member: number }
  | { kind: 'send'; conv: number; sender: number; transient: boolean }
  | { kind: 'rename'; conv: number; actor: number }
  | { kind: 'delete'; conv: number; actor: number };

const USERS = 3;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), creator: fc.nat(USERS - 1), invite: fc.uniqueArray(fc.nat(USERS - 1), { maxLength: USERS }) }),
  fc.record({ kind: fc.constant('join' as const), conv: fc.nat(9), actor: fc.nat(9) }),
  fc.record({ kind: fc.constant('leave' as const), conv: fc.nat(9), member: fc.nat(9) }),
  fc.record({ kind: fc.constant('send' as const), conv: fc.nat(9), sender: fc.nat(9), transient: fc.boolean() }),
  fc.record({ kind: fc.constant('rename' as const), conv: fc.nat(9), actor: fc.nat(9) }),
  fc.record({ kind: fc.constant('delete' as const), conv: fc.nat(9), actor: fc.nat(9) }),
);

/** what a user should see of one event */
interface Seen {
  readonly type: string;
  readonly conv: string;
  readonly client?: string;
  readonly detail?: string;
}

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e as Effect.Effect<A, never>);

const seenOf = (e: ConversationEvent): Seen => {
  const d = e.data as Record<string, unknown> | null;
  switch (e.type) {
    case 'conversation.otr-message-add':
      return { type: e.type, conv: e.conversation, client: d!.recipient as string, detail: d!.text as string };
    case 'conversation.member-join':
    case 'conversation.member-leave':
      return { type: e.type, conv: e.conversation, detail: (d!.user_ids as string[]).join() };
    case 'conversation.rename':
      return { type: e.type, conv: e.conversation, detail: d!.name as string };
    default:
      return { type: e.type, conv: e.conversation };
  }
};

interface Member {
  readonly id: string;
  readonly bot: boolean;
  readonly clients: readonly string[];
}

let lastResort: string;

const scenario = async (ops: readonly Op[]) => {
  const deps: HostDeps = await hostDeps(new MemoryStore(), ops.length);
  const host = new BuiltinHost(deps, recordingSink().sink);
  const tick = () => deps.clock.advance(1);

  const users: Member[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = (await run(registerUser(deps, { name: `u${i}`, email: `u${i}@example.com`, password: 'a long password' }, '192.0.2.1'))).id;
    const clients: string[] = [];
    for (let c = 0; c <= i % 2; c++) {
      tick();
      clients.push((await run(addUserClient(deps, id, { type: 'permanent', prekeys: [], lastPrekey: { id: 65535, key: lastResort } }))).id);
    }
    users.push({ id, bot: false, clients });
  }
  const model = new Map<string, Seen[]>(users.map((u) => [u.id, []]));
  const convs: { id: string; members: Member[] }[] = [];
  const notify = (members: readonly Member[], seen: Seen) => {
    for (const m of members) if (!m.bot) model.get(m.id)!.push(seen);
  };
  let n = 0;

  for (const o of ops) {
    tick();
    if (o.kind === 'create') {
      const creator = users[o.creator]!;
      const invited = o.invite.map((i) => users[i]!).filter((u) => u.id !== creator.id);
      const conv = await run(createConversation(deps, creator.id, { users: invited.map((u) => u.id) }));
      convs.push({ id: conv.id, members: [creator, ...invited] });
      continue;
    }
    if (convs.length === 0) continue;
    const conv = convs[o.conv % convs.length]!;
    if (conv.members.length === 0) continue;
    const humans = conv.members.filter((m) => !m.bot);
    switch (o.kind) {
      case 'join': {
        if (humans.length === 0) break;
        const actor = humans[o.actor % humans.length]!;
        const bot: Member = { id: deps.random.uuidV4(), bot: true, clients: [`b${++n}`] };
        await run(
          transact(deps.store, (tx) =>
            Effect.promise(async () => {
              await host.createBotUser(tx, { id: bot.id, name: 'bot', accentId: 0, assets: [], service: { id: bot.id, provider: bot.id }, locale: 'en' });
              await host.createBotClient(tx, bot.id, { id: bot.clients[0]!, prekeys: [], lastPrekey: { id: 65535, key: lastResort } });
              await host.addBotMember(tx, actor.id, conv.id, bot.id, { id: bot.id, provider: bot.id });
            }),
          ),
        );
        conv.members.push(bot);
        notify(conv.members, { type: 'conversation.member-join', conv: conv.id, detail: bot.id });
        break;
      }
      case 'leave': {
        const member = conv.members[o.member % conv.members.length]!;
        await run(transact(deps.store, (tx) => Effect.promise(() => host.removeMember(tx, member.id, conv.id, member.id, 'left'))));
        notify(conv.members, { type: 'conversation.member-leave', conv: conv.id, detail: member.id });
        conv.members = conv.members.filter((m) => m !== member);
        break;
      }
      case 'send': {
        if (humans.length === 0) break;
        const sender = humans[o.sender % humans.length]!;
        const from = sender.clients[0]!;
        const text = Buffer.from(`m${++n}`).toString('base64');
        const recipients: Record<string, Record<string, string>> = {};
        for (const m of conv.members) for (const c of m.clients) if (c !== from) (recipients[m.id] ??= {})[c] = text;
        const r = await run(postOtrMessage(deps, host, sender.id, conv.id, { sender: from, recipients, transient: o.transient }, { kind: 'report-all' }));
        expect(r.status).toBe(201);
        if (!o.transient)
          for (const m of conv.members)
            if (!m.bot) for (const c of m.clients) if (c !== from) model.get(m.id)!.push({ type: 'conversation.otr-message-add', conv: conv.id, client: c, detail: text });
        break;
      }
      case 'rename': {
        const admin = humans[o.actor % Math.max(1, humans.length)];
        if (!admin) break;
        const name = `name ${++n}`;
        await run(renameConversation(deps, host, admin.id, conv.id, name));
        notify(conv.members, { type: 'conversation.rename', conv: conv.id, detail: name });
        break;
      }
      case 'delete': {
        const actor = conv.members[o.actor % conv.members.length]!;
        await run(
          transact(deps.store, (tx) =>
            Effect.gen(function* () {
              const row = yield* Effect.promise(() => tx.conversations.get(conv.id));
              yield* host.deleteConversationTx(tx, actor.id, row!);
            }),
          ),
        );
        notify(conv.members, { type: 'conversation.delete', conv: conv.id });
        conv.members = [];
        break;
      }
    }
  }

  // every user's stream, read whole, per client, and page by page, equals the model
  for (const u of users) {
    const expected = model.get(u.id)!;
    const whole = await run(listNotifications(deps, u.id, { size: 10_000 }));
    expect(whole.status).toBe(200);
    const events = whole.body.notifications.flatMap((x) => x.payload as ConversationEvent[]);
    expect(events.map(seenOf)).toEqual(expected);
    for (const c of u.clients) {
      const filtered = await run(listNotifications(deps, u.id, { size: 10_000, client: c }));
      const got = filtered.body.notifications.flatMap((x) => (x.payload as ConversationEvent[]).map(seenOf));
      expect(got).toEqual(expected.filter((s) => s.client === undefined || s.client === c));
    }
    const paged: Seen[] = [];
    let since: string | undefined;
    for (;;) {
      const page = await run(listNotifications(deps, u.id, { size: 2, ...(since ? { since } : {}) }));
      expect(page.status).toBe(200);
      paged.push(...page.body.notifications.flatMap((x) => (x.payload as ConversationEvent[]).map(seenOf)));
      if (!page.body.has_more) break;
      since = page.body.notifications.at(-1)!.id;
    }
    expect(paged).toEqual(expected);
  }
};

describe('notification streams follow the model of host.md §6', () => {
  beforeAll(async () => {
    await initProteus();
    lastResort = bundle(65535);
  });

  it('for random sequences of conversation operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        await scenario(ops);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  });
});
