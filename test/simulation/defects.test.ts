import { createSimulation, scripted } from '@spp/adapters';
import { updateServiceConnection } from '@spp/domain';
import { describe, expect, it } from 'vitest';

/**
 * Defects the simulation properties found, each reduced to its shortest deterministic form. They state what the
 * spec requires; each fails until the code is fixed, and stays as a regression test afterwards.
 */
describe('defects found by the simulation properties', () => {
  it('a 410 discards the bot’s remaining queue even when a user removed the bot before the 410 arrived (bots.md §4, external-service-api.md §3)', async () => {
    // lifecycle property, shrunk: deliveryMode(gone), addBot, removeBot, settle
    const sim = await createSimulation({ seed: 1 });
    const provider = await sim.act.provider();
    const svc = await sim.act.service(provider, { script: { messages: scripted.gone() } });
    const alice = await sim.act.user('Alice');
    const conv = await sim.act.conversation(alice);
    const bot = await sim.act.addBot(alice, conv, svc); // queues its member-join
    await sim.act.removeBot(alice, conv, bot.id); // queues its final member-leave
    await sim.settle();
    // the service answered 410 to the member-join: nothing more may be sent for that bot
    expect(sim.services.deliveriesTo(bot.id).map((d) => d.type)).toEqual(['conversation.member-join']);
    await sim.close();
  });

  it('de-whitelisting removes the bots of one conversation in join order, also when they joined in the same millisecond (bots.md §4)', async () => {
    // lifecycle property, shrunk: addBot, addBot, dewhitelist, settle
    const sim = await createSimulation({ seed: 1 });
    const owner = await sim.act.user('Owner');
    const team = await sim.act.team(owner);
    const provider = await sim.act.provider();
    const echo = await sim.act.service(provider);
    await sim.act.whitelist(owner, team, echo, true);
    const conv = await sim.act.conversation(owner, { team });
    const first = await sim.act.addBot(owner, conv, echo);
    const second = await sim.act.addBot(owner, conv, echo);
    expect(second.id < first.id).toBe(true); // with this seed, id order is the opposite of join order
    await sim.act.whitelist(owner, team, echo, false);
    await sim.settle();
    const leaves = (botId: string) =>
      sim.act
        .received(botId)
        .filter((e) => e.type === 'conversation.member-leave')
        .map((e) => ((e.data as { user_ids: string[] }).user_ids[0] === first.id ? 'first' : 'second'));
    // removed one after another in join order: the later bot also sees the earlier one leave
    expect(leaves(first.id)).toEqual(['first']);
    expect(leaves(second.id)).toEqual(['first', 'second']);
    await sim.close();
  });

  it('a delivery retried after the connection changed uses the new settings: the new auth token (services.md §5)', async () => {
    // interleavings property: a token rotation acknowledged while an item waits for its retry
    const sim = await createSimulation({ seed: 1 });
    const provider = await sim.act.provider();
    let rotated = false;
    const svc = await sim.act.service(provider, {
      script: {
        messages: () => {
          if (!rotated) {
            rotated = true;
            // the provider rotates the token while the platform waits 1 s to retry
            void sim.outcome(updateServiceConnection(sim.deps, provider.id, svc.id, { password: provider.password, authTokens: ['rotated-token'] }));
          }
          return scripted.serverError(503);
        },
      },
    });
    const alice = await sim.act.user('Alice');
    const bot = await sim.act.addBot(alice, await sim.act.conversation(alice), svc);
    await sim.settle();
    expect(sim.services.deliveriesTo(bot.id).map((d) => sim.services.calls[d.seq - 1]!.bearer)).toEqual([
      svc.authToken,
      'rotated-token',
      'rotated-token',
      'rotated-token',
    ]);
    await sim.close();
  });

  it('a delivery retried after the service was disabled is not sent: a disabled service receives nothing (services.md §1)', async () => {
    const sim = await createSimulation({ seed: 1 });
    const provider = await sim.act.provider();
    let disabled = false;
    const svc = await sim.act.service(provider, {
      script: {
        messages: () => {
          if (!disabled) {
            disabled = true;
            void sim.outcome(updateServiceConnection(sim.deps, provider.id, svc.id, { password: provider.password, enabled: false }));
          }
          return scripted.serverError(503);
        },
      },
    });
    const alice = await sim.act.user('Alice');
    const bot = await sim.act.addBot(alice, await sim.act.conversation(alice), svc);
    await sim.settle();
    expect(sim.services.deliveriesTo(bot.id)).toHaveLength(1);
    await sim.close();
  });
});
