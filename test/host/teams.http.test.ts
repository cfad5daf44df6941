import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addClient, events, initProteus, newClientBody, signUp, type TestUser } from './support.js';
import { waitUntil } from '../support/wait.js';

describe('built-in host: teams, roles, conversation and team deletion', () => {
  let app: TestApp;
  let alice: TestUser; // owner
  let bob: TestUser; // member
  let erin: TestUser; // admin
  let carol: TestUser; // no team
  let dave: TestUser; // another team
  let tid: string;

  beforeAll(async () => {
    await initProteus();
    app = await startTestApp({ RATE_LIMITS: 'false' }, { hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });
    [alice, bob, erin, carol, dave] = await Promise.all(['Alice', 'Bob', 'Erin', 'Carol', 'Dave'].map((n) => signUp(app, n)));
  });
  afterAll(async () => app.stop());

  it('creates a team with the creator as owner; a second team is refused', async () => {
    const r = await app.req('POST', '/teams', { token: alice.token, body: { name: 'Acme' } });
    expect(r.status).toBe(201);
    tid = r.json.id;
    expect(r.json).toEqual({ id: tid, name: 'Acme', creator: alice.id });
    expect((await app.req('GET', '/self', { token: alice.token })).json.team).toBe(tid);
    const again = await app.req('POST', '/teams', { token: alice.token, body: { name: 'Acme 2' } });
    expect([again.status, again.json.label]).toEqual([409, 'already-in-team']);
    expect((await app.req('POST', '/teams', { token: dave.token, body: { name: 'Other' } })).status).toBe(201);
  });

  it('lets owners and admins manage members, with the owner-only rules', async () => {
    const add = (by: TestUser, user: string, role: string) => app.req('POST', `/teams/${tid}/members`, { token: by.token, body: { user, role } });
    expect((await add(alice, bob.id, 'member')).json).toEqual({ user: bob.id, role: 'member' });
    expect((await add(alice, erin.id, 'admin')).status).toBe(200);
    const byMember = await add(bob, carol.id, 'member');
    expect([byMember.status, byMember.json.label]).toEqual([403, 'insufficient-permissions']);
    const adminGrantsOwner = await add(erin, bob.id, 'owner');
    expect([adminGrantsOwner.status, adminGrantsOwner.json.label]).toEqual([403, 'insufficient-permissions']);
    const adminDemotesOwner = await add(erin, alice.id, 'member');
    expect(adminDemotesOwner.json.label).toBe('insufficient-permissions');
    const outsider = await add(carol, carol.id, 'owner');
    expect(outsider.json.label).toBe('insufficient-permissions');
    const unknown = await add(alice, '77777777-7777-4777-8777-777777777777', 'member');
    expect([unknown.status, unknown.json.label]).toEqual([404, 'not-found']);
    const otherTeam = await add(alice, dave.id, 'member');
    expect([otherTeam.status, otherTeam.json.label]).toEqual([409, 'already-in-team']);
    expect((await app.req('GET', `/users/${bob.id}`, { token: carol.token })).json.team).toBe(tid);
  });

  it('creates team conversations only for team members', async () => {
    const byCarol = await app.req('POST', '/conversations', { token: carol.token, body: { team: { teamid: tid, managed: false } } });
    expect([byCarol.status, byCarol.json.label]).toEqual([403, 'insufficient-permissions']);
    const byBob = await app.req('POST', '/conversations', { token: bob.token, body: { name: 'Bob team', team: { teamid: tid, managed: false } } });
    expect(byBob.status).toBe(201);
    expect(byBob.json.team).toBe(tid);
  });

  it('deletes a team conversation with conversation.delete (team, data null) to every member, by the allowed roles only', async () => {
    const conv = await app.req('POST', '/conversations', {
      token: alice.token,
      body: { users: [bob.id, carol.id], name: 'Team chat', team: { teamid: tid, managed: false }, conversation_role: 'wire_member' },
    });
    const cid = conv.json.id;
    const del = (by: TestUser, team = tid) => app.req('DELETE', `/teams/${team}/conversations/${cid}`, { token: by.token });
    expect((await del(bob)).json).toMatchObject({ code: 403, label: 'access-denied' });
    expect((await del(carol)).json).toMatchObject({ code: 404, label: 'no-conversation' });
    expect((await del(dave)).json.label).toBe('no-conversation');
    const ok = await del(erin); // admin, not even a member of the conversation
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    for (const user of [alice, bob, carol]) {
      const last = (await events(app, user)).at(-1)!;
      expect(last).toMatchObject({ type: 'conversation.delete', conversation: cid, from: erin.id, team: tid, data: null });
      expect((await app.req('GET', `/conversations/${cid}`, { token: user.token })).json.label).toBe('no-conversation');
    }
    expect((await del(alice)).json.label).toBe('no-conversation');
  });

  it('lets a team member who is wire_admin delete the team conversation', async () => {
    const conv = await app.req('POST', '/conversations', { token: bob.token, body: { team: { teamid: tid, managed: false } } });
    expect((await app.req('DELETE', `/teams/${tid}/conversations/${conv.json.id}`, { token: bob.token })).status).toBe(200);
  });

  it('deletes a team: conversations deleted, members deleted and leaving their other conversations', async () => {
    const teamConv = await app.req('POST', '/conversations', { token: alice.token, body: { users: [carol.id], team: { teamid: tid, managed: false } } });
    const outside = await app.req('POST', '/conversations', { token: carol.token, body: { users: [bob.id], name: 'Outside' } });
    const bobClient = await addClient(app, bob);

    const asMember = await app.req('DELETE', `/teams/${tid}`, { token: bob.token, body: { password: bob.password } });
    expect([asMember.status, asMember.json.label]).toEqual([403, 'insufficient-permissions']);
    const wrong = await app.req('DELETE', `/teams/${tid}`, { token: alice.token, body: { password: 'not the password' } });
    expect([wrong.status, wrong.json.label]).toEqual([403, 'invalid-credentials']);
    const unknown = await app.req('DELETE', '/teams/77777777-7777-4777-8777-777777777777', { token: alice.token, body: { password: alice.password } });
    expect([unknown.status, unknown.json.label]).toEqual([404, 'not-found']);
    expect((await app.req('GET', `/conversations/${teamConv.json.id}`, { token: carol.token })).status).toBe(200);

    const r = await app.req('DELETE', `/teams/${tid}`, { token: alice.token, body: { password: alice.password } });
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    // the deletion is a durable job: wait for it
    await waitUntil(async () => (await app.ctx.deps.store.read((tx) => tx.teams.get(tid))) === undefined, 10_000, 'team deleted');

    const carolEvents = await events(app, carol);
    expect(carolEvents.find((e) => e.conversation === teamConv.json.id && e.type === 'conversation.delete')).toMatchObject({
      from: alice.id,
      team: tid,
      data: null,
    });
    expect(carolEvents.at(-1)).toMatchObject({
      type: 'conversation.member-leave',
      conversation: outside.json.id,
      from: bob.id,
      data: { reason: 'user-deleted', user_ids: [bob.id], qualified_user_ids: [{ id: bob.id, domain: 'localhost' }] },
    });
    const left = await app.req('GET', `/conversations/${outside.json.id}`, { token: carol.token });
    expect(left.json.members.others).toEqual([]);

    // deleted users: login refused, account routes 403, conversation routes 404, profile shows deleted
    expect((await app.req('POST', '/login', { body: { email: bob.email, password: bob.password } })).json.label).toBe('invalid-credentials');
    expect((await app.req('GET', '/self', { token: bob.token })).json).toMatchObject({ code: 403, label: 'access-denied' });
    expect((await app.req('POST', '/teams', { token: bob.token, body: { name: 'New' } })).json.label).toBe('access-denied');
    expect((await app.req('POST', '/conversations', { token: bob.token, body: {} })).json.label).toBe('access-denied');
    expect((await app.req('PUT', '/self/handle', { token: bob.token, body: { handle: 'bob' } })).json.label).toBe('access-denied');
    expect((await app.req('POST', '/clients', { token: bob.token, body: newClientBody(0) })).json.label).toBe('access-denied');
    expect((await app.req('GET', `/conversations/${outside.json.id}`, { token: bob.token })).json.label).toBe('no-conversation');
    expect((await app.req('GET', `/users/${bob.id}`, { token: carol.token })).json).toEqual({
      id: bob.id,
      qualified_id: { id: bob.id, domain: 'localhost' },
      name: 'default',
      accent_id: 0,
      assets: [],
      deleted: true,
    });
    expect((await app.req('GET', `/users/${bob.id}/clients`, { token: carol.token })).json).toEqual([]);
    expect((await app.req('GET', `/users/${bob.id}/prekeys/${bobClient}`, { token: carol.token })).json.label).toBe('client-not-found');
    expect((await app.req('GET', `/users/${alice.id}`, { token: carol.token })).json.deleted).toBe(true);
    // the team is gone; its name can be used by a new team of a fresh user, and the e-mail is free again
    expect((await app.req('DELETE', `/teams/${tid}`, { token: alice.token, body: { password: alice.password } })).status).toBe(404);
    const again = await app.req('POST', '/register', { body: { name: 'Bob again', email: bob.email, password: bob.password } });
    expect(again.status).toBe(201);
  });
});
