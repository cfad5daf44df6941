import { ScryptHasher } from '@spp/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addClient, events, initProteus, signUp, type TestUser } from './support.js';

const cheap = () => ({ hasher: new ScryptHasher({ ln: 10, r: 8, p: 1 }) });

describe('built-in host: conversations and OTR messages over HTTP', () => {
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let a1: string;
  let a2: string;
  let b1: string;
  let cid: string;

  beforeAll(async () => {
    await initProteus();
    app = await startTestApp({ RATE_LIMITS: 'false' }, cheap());
    alice = await signUp(app, 'Alice');
    bob = await signUp(app, 'Bob');
    carol = await signUp(app, 'Carol');
    a1 = await addClient(app, alice);
    a2 = await addClient(app, alice);
    b1 = await addClient(app, bob);
  });
  afterAll(async () => app.stop());

  it('creates a group conversation that both members see, and strangers do not', async () => {
    const r = await app.req('POST', '/conversations', {
      token: alice.token,
      body: { users: [bob.id.toUpperCase()], name: 'Chat', conversation_role: 'wire_member' },
    });
    expect(r.status).toBe(201);
    cid = r.json.id;
    expect(r.json).toMatchObject({
      qualified_id: { id: cid, domain: 'localhost' },
      type: 0,
      creator: alice.id,
      name: 'Chat',
      team: null,
      access: ['invite'],
      access_role: ['team_member', 'non_team_member', 'service'],
      protocol: 'proteus',
      message_timer: null,
      receipt_mode: null,
      members: {
        self: { id: alice.id, conversation_role: 'wire_admin', status: 0, qualified_id: { id: alice.id, domain: 'localhost' } },
        others: [{ id: bob.id, conversation_role: 'wire_member', status: 0, qualified_id: { id: bob.id, domain: 'localhost' } }],
      },
    });
    const seen = await app.req('GET', `/conversations/localhost/${cid}`, { token: bob.token });
    expect(seen.status).toBe(200);
    expect(seen.json.members.self.id).toBe(bob.id);
    expect(seen.json.members.others.map((m: { id: string }) => m.id)).toEqual([alice.id]);
    for (const path of [`/conversations/${cid}`, `/v3/conversations/${cid}`]) {
      const stranger = await app.req('GET', path, { token: carol.token });
      expect(stranger.status).toBe(404);
      expect(stranger.json.label).toBe('no-conversation');
    }
    expect((await app.req('GET', `/conversations/other.example/${cid}`, { token: bob.token })).json.label).toBe('no-conversation');
  });

  it('answers 412 listing every missing client (never the sender client) and delivers nothing', async () => {
    const r = await app.req('POST', `/conversations/${cid}/otr/messages`, { token: alice.token, body: { sender: a1, recipients: {} } });
    expect(r.status).toBe(412);
    expect(r.json).toEqual({ time: expect.any(String), missing: { [alice.id]: [a2], [bob.id]: [b1] }, redundant: {}, deleted: {} });
    expect(await events(app, bob)).toEqual([]);
  });

  it('delivers one event per recipient client with only its own ciphertext and reports redundant and deleted entries', async () => {
    const stranger = '99999999-9999-4999-8999-999999999999';
    const r = await app.req('POST', `/conversations/${cid}/otr/messages`, {
      token: alice.token,
      body: {
        sender: a1,
        recipients: { [bob.id]: { [b1]: 'Zm9yIGJvYg==', ffff: 'Z29uZQ==' }, [alice.id]: { [a2]: 'Zm9yIGEy', [a1]: 'c2VsZg==' }, [stranger]: { abc: 'eA==' } },
        data: 'ZXh0cmE=',
      },
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ time: expect.any(String), missing: {}, redundant: { [alice.id]: [a1], [stranger]: ['abc'] }, deleted: { [bob.id]: ['ffff'] } });

    const forBob = await events(app, bob);
    expect(forBob).toEqual([
      {
        type: 'conversation.otr-message-add',
        conversation: cid,
        qualified_conversation: { id: cid, domain: 'localhost' },
        from: alice.id,
        qualified_from: { id: alice.id, domain: 'localhost' },
        time: expect.any(String),
        data: { sender: a1, recipient: b1, text: 'Zm9yIGJvYg==', data: 'ZXh0cmE=' },
      },
    ]);
    const forA2 = await events(app, alice, `?client=${a2}`);
    expect(forA2.map((e) => (e.data as { recipient: string; text: string }).text)).toEqual(['Zm9yIGEy']);
    expect(await events(app, alice, `?client=${a1}`)).toEqual([]);
  });

  it('applies ignore_missing / report_missing in the documented order', async () => {
    const send = (query: string, body: Record<string, unknown> = {}) =>
      app.req('POST', `/conversations/${cid}/otr/messages${query}`, { token: alice.token, body: { sender: a1, recipients: {}, ...body } });
    expect((await send('?ignore_missing=true')).status).toBe(201);
    expect((await send('?report_missing=false')).status).toBe(201);
    const onlyBob = await send(`?report_missing=${bob.id}`);
    expect(onlyBob.status).toBe(412);
    expect(onlyBob.json.missing).toEqual({ [bob.id]: [b1] });
    const ignoreBob = await send(`?ignore_missing=${bob.id}`);
    expect(ignoreBob.json.missing).toEqual({ [alice.id]: [a2] });
    // the body's report_missing wins over the query
    expect((await send('?ignore_missing=false', { report_missing: [] })).status).toBe(201);
    const bodyAlice = await send('?ignore_missing=true', { report_missing: [alice.id] });
    expect(bodyAlice.json.missing).toEqual({ [alice.id]: [a2] });
    expect((await send('?ignore_missing=maybe')).json.label).toBe('bad-request');
  });

  it('does not store transient messages in notification streams', async () => {
    const before = (await events(app, bob)).length;
    const r = await app.req('POST', `/conversations/${cid}/otr/messages`, {
      token: alice.token,
      body: { sender: a1, recipients: { [bob.id]: { [b1]: 'dHlwaW5n' }, [alice.id]: { [a2]: 'dHlwaW5n' } }, transient: true },
    });
    expect(r.status).toBe(201);
    expect((await events(app, bob)).length).toBe(before);
  });

  it('refuses non-members, unknown sender clients and members without the admin role with the spec labels', async () => {
    const asCarol = await app.req('POST', `/conversations/${cid}/otr/messages`, { token: carol.token, body: { sender: a1, recipients: {} } });
    expect([asCarol.status, asCarol.json.label]).toEqual([404, 'no-conversation']);
    const wrongSender = await app.req('POST', `/conversations/${cid}/otr/messages`, { token: alice.token, body: { sender: b1, recipients: {} } });
    expect([wrongSender.status, wrongSender.json.label, wrongSender.json.message]).toEqual([403, 'unknown-client', 'Unknown Client']);
    const rename = await app.req('PUT', `/conversations/${cid}/name`, { token: bob.token, body: { name: 'Mine' } });
    expect([rename.status, rename.json.label]).toEqual([403, 'action-denied']);
    const access = await app.req('PUT', `/conversations/${cid}/access`, { token: bob.token, body: { access: ['invite'], access_role: ['team_member'] } });
    expect([access.status, access.json.label, access.json.message]).toEqual([
      403,
      'action-denied',
      'Insufficient authorization (missing modify_conversation_access)',
    ]);
    const carolRename = await app.req('PUT', `/conversations/${cid}/name`, { token: carol.token, body: { name: 'Mine' } });
    expect([carolRename.status, carolRename.json.label]).toEqual([404, 'no-conversation']);
  });

  it('renames and updates access with events to every member; an unchanged access answers 204', async () => {
    const rename = await app.req('PUT', `/conversations/${cid}/name`, { token: alice.token, body: { name: 'Release planning' } });
    expect(rename.status).toBe(200);
    expect(rename.json).toMatchObject({ type: 'conversation.rename', conversation: cid, from: alice.id, data: { name: 'Release planning' } });
    expect(rename.json).not.toHaveProperty('team');

    const access = await app.req('PUT', `/conversations/localhost/${cid}/access`, {
      token: alice.token,
      body: { access: ['invite', 'code', 'invite'], access_role: 'team' },
    });
    expect(access.status).toBe(200);
    expect(access.json).toMatchObject({
      type: 'conversation.access-update',
      data: { access: ['invite', 'code'], access_role: 'team', access_role_v2: ['team_member'] },
    });
    const same = await app.req('PUT', `/conversations/${cid}/access`, { token: alice.token, body: { access: ['code', 'invite'], access_role_v2: ['team_member'] } });
    expect(same.status).toBe(204);
    expect(same.text).toBe('');
    const v2 = await app.req('PUT', `/conversations/${cid}/access`, {
      token: alice.token,
      body: { access: ['invite'], access_role: ['guest'], access_role_v2: ['team_member', 'service'] },
    });
    expect(v2.json.data).toEqual({ access: ['invite'], access_role: 'activated', access_role_v2: ['team_member', 'service'] });

    for (const user of [alice, bob]) {
      const types = (await events(app, user)).map((e) => e.type).filter((t) => t !== 'conversation.otr-message-add');
      expect(types).toEqual(['conversation.rename', 'conversation.access-update', 'conversation.access-update']);
    }
    const conv = await app.req('GET', `/conversations/${cid}`, { token: bob.token });
    expect(conv.json).toMatchObject({ name: 'Release planning', access: ['invite'], access_role: ['team_member', 'service'] });
  });

  it('keeps each user stream in commit order with stable ids and paging', async () => {
    const all = await app.req('GET', '/notifications', { token: bob.token });
    const ids: string[] = all.json.notifications.map((n: { id: string }) => n.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const first = await app.req('GET', '/notifications?size=1', { token: bob.token });
    expect(first.json.has_more).toBe(true);
    expect(first.json.notifications.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
    const rest = await app.req('GET', `/notifications?since=${ids[0]}`, { token: bob.token });
    expect(rest.status).toBe(200);
    expect(rest.json.notifications.map((n: { id: string }) => n.id)).toEqual(ids.slice(1));
    expect(rest.json.has_more).toBe(false);
    const last = await app.req('GET', `/notifications?since=${ids.at(-1)}`, { token: bob.token });
    expect(last.json).toEqual({ notifications: [], has_more: false, time: expect.any(String) });
  });

  it('answers an unknown `since` with 404 and the page from the oldest kept notification', async () => {
    const all = await app.req('GET', '/notifications', { token: bob.token });
    const unknown = await app.req('GET', '/notifications?since=2f1c6a80-fe9e-11f0-8000-0a1b2c3d4e5f&size=2', { token: bob.token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.notifications).toEqual(all.json.notifications.slice(0, 2));
    expect(unknown.json.has_more).toBe(true);
    // another user's id is unknown in this stream
    const aliceIds = (await app.req('GET', '/notifications', { token: alice.token })).json.notifications.map((n: { id: string }) => n.id);
    const foreign = aliceIds.find((id: string) => !all.json.notifications.some((n: { id: string }) => n.id === id));
    expect((await app.req('GET', `/notifications?since=${foreign}`, { token: bob.token })).status).toBe(404);
  });
});
