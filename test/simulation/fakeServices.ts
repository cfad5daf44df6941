import { scripted, type ScriptedAnswer, type ScriptedCall, type ServiceScript } from '@spp/adapters';
import type { CreateMode, DeliveryMode, Model, MService } from './model.js';

export const CREATE_MODES: readonly CreateMode[] = ['created', 'conflict', 'error', 'hang', 'slow', 'down'];
export const DELIVERY_MODES: readonly DeliveryMode[] = ['ok', 'gone', 'error', 'hang', 'slow', 'down', 'refuse'];

/** POST /bots answers; `slow` stays inside the 10 s deadline */
const createAnswer = (mode: CreateMode): ScriptedAnswer => {
  switch (mode) {
    case 'created':
      return scripted.created();
    case 'conflict':
      return scripted.conflict();
    case 'error':
      return scripted.serverError(503);
    case 'hang':
      return scripted.hang();
    case 'slow':
      return scripted.slow(2_000, scripted.created());
    case 'down':
      return scripted.connectionFailure();
  }
};

/** event delivery answers; `slow` stays inside the 5 s deadline */
const deliveryAnswer = (mode: DeliveryMode): ScriptedAnswer => {
  switch (mode) {
    case 'ok':
      return scripted.ok();
    case 'gone':
      return scripted.gone();
    case 'error':
      return scripted.serverError(503);
    case 'hang':
      return scripted.hang();
    case 'slow':
      return scripted.slow(1_500, scripted.ok());
    case 'down':
      return scripted.connectionFailure();
    case 'refuse':
      return scripted.status(404);
  }
};

/**
 * The fake behind a model service: answers as its environment says, refuses unknown bearer tokens with 401 (a
 * real service checks its token), and reports any request it gets while the spec says it should get none.
 */
export const fakeScript = (m: Model, s: MService, keyDer: (n: number) => Uint8Array): ServiceScript => {
  const seen = (what: string) => (call: ScriptedCall) => {
    if (s.state !== 'enabled') m.violations.push(`${what} reached service #${s.n} while it is ${s.state} (call ${call.seq})`);
  };
  const sawBots = seen('POST /bots');
  const sawMessage = seen('an event delivery');
  return {
    presentedKey: keyDer(s.env.presents),
    bots: (call) => {
      sawBots(call);
      return s.env.accepts.includes(call.bearer) ? createAnswer(s.env.createMode) : scripted.status(401);
    },
    messages: (call) => {
      sawMessage(call);
      return s.env.accepts.includes(call.bearer) ? deliveryAnswer(s.env.deliveryMode) : scripted.status(401);
    },
  };
};
