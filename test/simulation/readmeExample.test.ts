// The example of docs-draft/simulation.md, kept compiling and passing: an embedder can copy it as it is.
import { createSimulation, scripted } from '@spp/adapters';
import { addBot } from '@spp/domain';
import { expect, it } from 'vitest';

it('a message reaches the bot after the service recovers from a 503', async () => {
  const sim = await createSimulation({ seed: 42 }); // ids, tokens, keys and codes all derive from the seed
  const provider = await sim.act.provider(); // registered, activated from the captured mail, approved by staff
  const echo = await sim.act.service(provider); // enabled; its scripted fake presents the registered key
  const alice = await sim.act.user('Alice');
  const conv = await sim.act.conversation(alice);
  const bot = await sim.act.addBot(alice, conv, echo);

  // the fake service fails once, then answers 200
  sim.services.update(echo.id, { messages: scripted.sequence(scripted.serverError(503), scripted.ok()) });
  await sim.act.send(alice, conv, 'hello');
  const report = await sim.settle(); // deliveries with their retries, durable jobs, mails; the clock moves as needed

  expect(sim.act.received(bot.id).map((e) => e.type)).toEqual(['conversation.member-join', 'conversation.otr-message-add']);
  expect(report.elapsedMs).toBe(1_000); // one retry, 1 s later on the simulated clock

  // a refused step answers the spec's error label
  await sim.act.connection(provider, echo.id, { enabled: false });
  const refused = await sim.attempt(addBot(sim.deps, sim.host, { actor: alice.id, convId: conv, providerId: provider.id, serviceId: echo.id }));
  expect(refused.ok ? 'created' : refused.error.label).toBe('service-disabled');

  expect(sim.faults).toEqual([]); // no worker crashed, no job failed
  await sim.close();
});
