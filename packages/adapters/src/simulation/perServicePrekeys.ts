import { fixedPrekeys, type ScriptedPrekeyGenerator, type ScriptedPrekeySet } from '../memory/scriptedPrekeys.js';

/**
 * Prekeys per service rather than per bot: every bot of a scripted service answers the same (valid, decodable)
 * bundles. Deriving fresh Ed25519 keys for each bot costs a few milliseconds, which adds up over thousands of
 * simulated add-bots; the platform never requires bundles to differ between bots.
 */
export const perServicePrekeys = (base: ScriptedPrekeyGenerator = fixedPrekeys()): ScriptedPrekeyGenerator => {
  const made = new Map<string, ScriptedPrekeySet | Promise<ScriptedPrekeySet>>();
  return ({ serviceId, count }) => {
    const key = `${serviceId}|${count}`;
    let set = made.get(key);
    if (set === undefined) {
      set = base({ serviceId, botId: 'any', count });
      made.set(key, set);
    }
    return set;
  };
};
