import { beforeAll, describe, expect, it } from 'vitest';
import type { ClientRow, ConversationRow, NotificationRow, Store, TeamRow, Tx, UserRow } from '@spp/domain';

let seq = 0;
/** a fresh UUID-shaped id, unique per process run */
const id = (): string => {
  seq += 1;
  return `${seq.toString(16).padStart(8, '0')}-${(Date.now() % 0xffff).toString(16).padStart(4, '0')}-4000-8000-${Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, '0')}`;
};

export const userRow = (over: Partial<UserRow> = {}): UserRow => {
  const uid = over.id ?? id();
  return {
    id: uid,
    name: 'Alice',
    email: `${uid}@Example.com`,
    emailKey: `${uid}@example.com`,
    passwordHash: '$scrypt$ln=10,r=8,p=1$c2FsdA==$aGFzaA==',
    handle: null,
    accentId: 1,
    assets: [{ type: 'image', key: '3-1-abc', size: 'preview' }],
    locale: 'en-US',
    team: null,
    teamRole: null,
    service: null,
    deleted: false,
    createdAt: 1_000,
    ...over,
  };
};

const clientRow = (userId: string, over: Partial<ClientRow> = {}): ClientRow => ({
  userId,
  id: Math.floor(Math.random() * 2 ** 40 + 1).toString(16),
  type: 'permanent',
  class: 'desktop',
  label: 'Laptop',
  createdAt: 1_000,
  ...over,
});

const convRow = (over: Partial<ConversationRow> = {}): ConversationRow => ({
  id: id(),
  type: 0,
  name: 'Chat',
  team: null,
  creator: id(),
  access: ['invite'],
  accessRole: ['team_member', 'non_team_member', 'service'],
  createdAt: 1_000,
  ...over,
});

const entry = (userId: string, over: Partial<Omit<NotificationRow, 'seq'>> = {}): Omit<NotificationRow, 'seq'> => ({
  userId,
  id: id(),
  client: null,
  payload: [{ type: 'conversation.rename', data: { name: 'Ünïcödé 🎉' } }],
  createdAt: 1_000,
  ...over,
});

/** The storage contract of the built-in host's repositories; run against every store kind (the factory closes them). */
export const hostContract = (name: string, makeStore: () => Promise<Store>, makeShared?: () => Promise<[Store, Store]>) =>
  describe(`host repositories (${name})`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await makeStore();
    });
    const tx = <T>(fn: (t: Tx) => Promise<T>) => store.transaction(fn);

    it('stores users and finds them by id, e-mail key, handle and team', async () => {
      const team = id();
      const a = userRow({ handle: 'alice', team, teamRole: 'owner', createdAt: 2_000 });
      const b = userRow({ team, teamRole: 'member', createdAt: 1_000, service: { id: id(), provider: id() }, emailKey: null, email: null });
      await tx(async (t) => {
        await t.users.insert(a);
        await t.users.insert(b);
      });
      await store.read(async (t) => {
        expect(await t.users.get(a.id)).toEqual(a);
        expect(await t.users.get(id())).toBeUndefined();
        expect((await t.users.getMany([a.id, b.id, id(), a.id])).sort((x, y) => x.createdAt - y.createdAt)).toEqual([b, a]);
        expect(await t.users.getMany([])).toEqual([]);
        expect(await t.users.findByEmailKey(a.emailKey!)).toEqual(a);
        expect(await t.users.findByEmailKey('nobody@example.com')).toBeUndefined();
        expect(await t.users.findByHandle('alice')).toEqual(a);
        expect((await t.users.listByTeam(team)).map((u) => u.id)).toEqual([b.id, a.id]);
      });
      const changed = { ...a, handle: null, deleted: true, emailKey: null, email: null, team: null, teamRole: null };
      await tx((t) => t.users.update(changed));
      await store.read(async (t) => {
        expect(await t.users.get(a.id)).toEqual(changed);
        expect(await t.users.findByHandle('alice')).toBeUndefined();
        expect((await t.users.listByTeam(team)).map((u) => u.id)).toEqual([b.id]);
      });
    });

    it('refuses a second user with the same e-mail key or handle, and rolls the transaction back', async () => {
      const a = userRow({ handle: `h${seq}` });
      await tx((t) => t.users.insert(a));
      const lost = userRow();
      await expect(
        tx(async (t) => {
          await t.users.insert(lost);
          await t.users.insert(userRow({ emailKey: a.emailKey }));
        }),
      ).rejects.toThrow();
      await expect(tx((t) => t.users.insert(userRow({ handle: a.handle })))).rejects.toThrow();
      expect(await store.read((t) => t.users.get(lost.id))).toBeUndefined();
    });

    it('stores teams', async () => {
      const team: TeamRow = { id: id(), name: 'Acme', creator: id(), createdAt: 5 };
      await tx((t) => t.teams.insert(team));
      expect(await store.read((t) => t.teams.get(team.id))).toEqual(team);
      await tx((t) => t.teams.delete(team.id));
      expect(await store.read((t) => t.teams.get(team.id))).toBeUndefined();
    });

    it('stores clients in creation order and deletes them with their prekeys', async () => {
      const u = id();
      const other = id();
      const c2 = clientRow(u, { id: 'b2', createdAt: 2_000, class: null, label: null, type: 'temporary' });
      const c1 = clientRow(u, { id: 'a1', createdAt: 1_000 });
      const c3 = clientRow(u, { id: 'c3', createdAt: 1_000 });
      const o1 = clientRow(other, { id: 'a1' });
      await tx(async (t) => {
        for (const c of [c2, c1, c3, o1]) await t.clients.insert(c);
        await t.clients.putPrekeys(u, 'a1', [
          { id: 65535, key: 'last' },
          { id: 7, key: 'k7' },
          { id: 3, key: 'k3' },
        ]);
        await t.clients.putPrekeys(other, 'a1', [{ id: 1, key: 'other' }]);
      });
      await store.read(async (t) => {
        expect(await t.clients.listByUser(u)).toEqual([c1, c3, c2]);
        expect(await t.clients.get(u, 'b2')).toEqual(c2);
        expect(await t.clients.get(u, 'ffff')).toBeUndefined();
        expect((await t.clients.listByUsers([u, other, id()])).map((c) => `${c.userId}/${c.id}`).sort()).toEqual(
          [`${u}/a1`, `${u}/b2`, `${u}/c3`, `${other}/a1`].sort(),
        );
        expect(await t.clients.listByUsers([])).toEqual([]);
        expect(await t.clients.listPrekeyIds(u, 'a1')).toEqual([3, 7, 65535]);
      });
      await tx((t) => t.clients.putPrekeys(u, 'a1', [{ id: 3, key: 'k3-new' }]));
      const claims = await tx(async (t) => [
        await t.clients.claimPrekey(u, 'a1'),
        await t.clients.claimPrekey(u, 'a1'),
        await t.clients.claimPrekey(u, 'a1'),
        await t.clients.claimPrekey(u, 'a1'),
        await t.clients.claimPrekey(u, 'c3'),
      ]);
      expect(claims).toEqual([{ id: 3, key: 'k3-new' }, { id: 7, key: 'k7' }, { id: 65535, key: 'last' }, { id: 65535, key: 'last' }, undefined]);
      expect(await tx((t) => t.clients.delete(u, 'a1'))).toBe(true);
      expect(await tx((t) => t.clients.delete(u, 'a1'))).toBe(false);
      await store.read(async (t) => {
        expect(await t.clients.listPrekeyIds(u, 'a1')).toEqual([]);
        expect(await t.clients.listPrekeyIds(other, 'a1')).toEqual([1]);
      });
      await tx((t) => t.clients.deleteAllOfUser(u));
      await store.read(async (t) => {
        expect(await t.clients.listByUser(u)).toEqual([]);
        expect(await t.clients.listByUser(other)).toEqual([o1]);
      });
    });

    it('stores conversations with members in join order', async () => {
      const team = id();
      const c = convRow({ team, createdAt: 2 });
      const older = convRow({ team, createdAt: 1, name: null });
      const [u1, u2, bot] = [id(), id(), id()];
      const service = { id: id(), provider: id() };
      await tx(async (t) => {
        await t.conversations.insert(c);
        await t.conversations.insert(older);
        await t.conversations.addMember({ convId: c.id, userId: u2, role: 'wire_admin', service: null });
        await t.conversations.addMember({ convId: c.id, userId: u1, role: 'wire_member', service: null });
        await t.conversations.addMember({ convId: c.id, userId: bot, role: 'wire_admin', service });
        await t.conversations.addMember({ convId: older.id, userId: u1, role: 'wire_admin', service: null });
      });
      await store.read(async (t) => {
        expect(await t.conversations.get(c.id)).toEqual(c);
        expect(await t.conversations.get(older.id)).toEqual(older);
        expect(await t.conversations.listIdsByTeam(team)).toEqual([older.id, c.id]);
        expect((await t.conversations.listMembers(c.id)).map((m) => m.userId)).toEqual([u2, u1, bot]);
        expect(await t.conversations.getMember(c.id, bot)).toEqual({ convId: c.id, userId: bot, role: 'wire_admin', service });
        expect(await t.conversations.getMember(c.id, id())).toBeUndefined();
        expect(await t.conversations.countMembers(c.id)).toBe(3);
        expect((await t.conversations.listIdsOfMember(u1)).sort()).toEqual([c.id, older.id].sort());
      });
      expect(await tx((t) => t.conversations.removeMember(c.id, u2))).toBe(true);
      expect(await tx((t) => t.conversations.removeMember(c.id, u2))).toBe(false);
      await tx(async (t) => {
        await t.conversations.addMember({ convId: c.id, userId: u2, role: 'wire_member', service: null });
        await t.conversations.update({ ...c, name: 'Renamed', access: [], accessRole: ['service'], team: null, creator: id() });
      });
      await store.read(async (t) => {
        expect((await t.conversations.listMembers(c.id)).map((m) => m.userId)).toEqual([u1, bot, u2]);
        // update changes name, access and access role only
        expect(await t.conversations.get(c.id)).toEqual({ ...c, name: 'Renamed', access: [], accessRole: ['service'] });
      });
      await tx((t) => t.conversations.delete(c.id));
      await store.read(async (t) => {
        expect(await t.conversations.get(c.id)).toBeUndefined();
        expect(await t.conversations.listMembers(c.id)).toEqual([]);
        expect(await t.conversations.listIdsOfMember(u1)).toEqual([older.id]);
        expect(await t.conversations.listIdsByTeam(team)).toEqual([older.id]);
      });
    });

    it('lists members as they are now after every change, including a rolled-back one', async () => {
      const c = convRow();
      const [u1, u2, u3] = [id(), id(), id()];
      const members = () => store.read(async (t) => (await t.conversations.listMembers(c.id)).map((m) => m.userId));
      await tx(async (t) => {
        await t.conversations.insert(c);
        await t.conversations.addMember({ convId: c.id, userId: u1, role: 'wire_admin', service: null });
      });
      expect(await members()).toEqual([u1]);
      // read twice (a cached list may be used), then changed
      expect(await members()).toEqual([u1]);
      await tx((t) => t.conversations.addMember({ convId: c.id, userId: u2, role: 'wire_member', service: null }));
      expect(await members()).toEqual([u1, u2]);
      // a change that rolls back, after the transaction itself saw it
      await expect(
        tx(async (t) => {
          await t.conversations.addMember({ convId: c.id, userId: u3, role: 'wire_member', service: null });
          expect((await t.conversations.listMembers(c.id)).map((m) => m.userId)).toEqual([u1, u2, u3]);
          await t.conversations.removeMember(c.id, u1);
          expect((await t.conversations.listMembers(c.id)).map((m) => m.userId)).toEqual([u2, u3]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await members()).toEqual([u1, u2]);
      await tx((t) => t.conversations.removeMember(c.id, u1));
      expect(await members()).toEqual([u2]);
      // a caller may change the list it got without changing what the next caller gets
      await store.read(async (t) => {
        (await t.conversations.listMembers(c.id)).push({ convId: c.id, userId: u3, role: 'x', service: null });
      });
      expect(await members()).toEqual([u2]);
    });

    if (makeShared)
      it('lists members changed through another instance sharing the database', async () => {
        const [a, b] = await makeShared();
        const c = convRow();
        const [u1, u2] = [id(), id()];
        const membersVia = (s: Store) => s.read(async (t) => (await t.conversations.listMembers(c.id)).map((m) => m.userId));
        await a.transaction(async (t) => {
          await t.conversations.insert(c);
          await t.conversations.addMember({ convId: c.id, userId: u1, role: 'wire_admin', service: null });
        });
        expect(await membersVia(a)).toEqual([u1]);
        expect(await membersVia(b)).toEqual([u1]);
        await b.transaction((t) => t.conversations.addMember({ convId: c.id, userId: u2, role: 'wire_member', service: null }));
        expect(await membersVia(a)).toEqual([u1, u2]);
        await b.transaction((t) => t.conversations.removeMember(c.id, u1));
        expect(await membersVia(a)).toEqual([u2]);
        await b.transaction((t) => t.conversations.delete(c.id));
        expect(await membersVia(a)).toEqual([]);
      });

    it('keeps per-user notification streams in append order, with client filter, age limit and purge', async () => {
      const [u, v] = [id(), id()];
      const e1 = entry(u, { createdAt: 100 });
      const e2 = entry(u, { client: 'a1', createdAt: 200 });
      const e3 = entry(u, { client: 'b2', createdAt: 300 });
      const e4 = entry(u, { createdAt: 400 });
      const seqs = await tx(async (t) => [
        await t.notifications.append(e1),
        await t.notifications.append(entry(v, { id: e1.id })),
        await t.notifications.append(e2),
        await t.notifications.append(e3),
        await t.notifications.append(e4),
      ]);
      expect(seqs).toEqual([1, 1, 2, 3, 4]);
      await store.read(async (t) => {
        const ids = async (after: number, client: string | undefined, notBefore: number, limit: number) =>
          (await t.notifications.page(u, after, client, notBefore, limit)).map((n) => n.id);
        expect(await t.notifications.page(u, 0, undefined, 0, 10)).toEqual([e1, e2, e3, e4].map((e, i) => ({ ...e, seq: i + 1 })));
        expect(await ids(1, undefined, 0, 2)).toEqual([e2.id, e3.id]);
        expect(await ids(0, 'a1', 0, 10)).toEqual([e1.id, e2.id, e4.id]);
        expect(await ids(0, undefined, 250, 10)).toEqual([e3.id, e4.id]);
        expect(await t.notifications.get(u, e3.id)).toEqual({ ...e3, seq: 3 });
        expect(await t.notifications.get(v, e3.id)).toBeUndefined();
        expect((await t.notifications.get(v, e1.id))?.seq).toBe(1);
      });
      await expect(tx((t) => t.notifications.append(entry(u, { id: e1.id })))).rejects.toThrow();
      expect(await tx((t) => t.notifications.purgeBefore(u, 250))).toBe(2);
      const next = await tx((t) => t.notifications.append(entry(u)));
      expect(next).toBe(5); // positions are never reused
      await store.read(async (t) => {
        expect((await t.notifications.page(u, 0, undefined, 0, 10)).map((n) => n.seq)).toEqual([3, 4, 5]);
        expect(await t.notifications.get(u, e1.id)).toBeUndefined();
        expect((await t.notifications.page(v, 0, undefined, 0, 10)).length).toBe(1);
      });
    });

    it('purges old notifications of every user, oldest first, at most `limit` at a time', async () => {
      const [u, v] = [id(), id()];
      // times before any other test's entries, so only these are old enough
      const old = [entry(u, { createdAt: -3_000 }), entry(v, { createdAt: -2_900 }), entry(u, { createdAt: -2_800 })];
      const kept = [entry(v, { createdAt: -1_000 }), entry(u, { createdAt: -900 })];
      await tx(async (t) => {
        for (const e of [...old, ...kept]) await t.notifications.append(e);
      });
      expect(await tx((t) => t.notifications.purgeAllBefore(-1_500, 2))).toBe(2);
      expect(await store.read((t) => t.notifications.get(u, old[0]!.id))).toBeUndefined();
      expect(await store.read((t) => t.notifications.get(v, old[1]!.id))).toBeUndefined();
      expect(await store.read((t) => t.notifications.get(u, old[2]!.id))).toBeDefined();
      expect(await tx((t) => t.notifications.purgeAllBefore(-1_500, 10))).toBe(1);
      await store.read(async (t) => {
        expect((await t.notifications.page(u, 0, undefined, -10_000, 10)).map((n) => n.id)).toEqual([kept[1]!.id]);
        expect((await t.notifications.page(v, 0, undefined, -10_000, 10)).map((n) => n.id)).toEqual([kept[0]!.id]);
      });
    });

    it('rolls back every host write of a failed transaction', async () => {
      const u = userRow();
      const c = convRow();
      await expect(
        tx(async (t) => {
          await t.users.insert(u);
          await t.conversations.insert(c);
          await t.conversations.addMember({ convId: c.id, userId: u.id, role: 'wire_admin', service: null });
          await t.clients.insert(clientRow(u.id, { id: 'abc' }));
          await t.notifications.append(entry(u.id));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await store.read(async (t) => {
        expect(await t.users.get(u.id)).toBeUndefined();
        expect(await t.conversations.get(c.id)).toBeUndefined();
        expect(await t.conversations.listIdsOfMember(u.id)).toEqual([]);
        expect(await t.clients.listByUser(u.id)).toEqual([]);
        expect(await t.notifications.page(u.id, 0, undefined, 0, 10)).toEqual([]);
      });
      expect(await tx((t) => t.notifications.append(entry(u.id)))).toBe(1);
    });
  });
