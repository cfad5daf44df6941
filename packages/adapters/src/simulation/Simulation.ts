import { Cause, Effect, Exit, Option } from 'effect';
import {
  BuiltinHost,
  DomainError,
  DeliveryEngine,
  JOB_LEASE_MS,
  SERVICE_DELETION_JOB,
  TEAM_DELETION_JOB,
  call,
  deliverDueMails,
  purgeExpired,
  serviceDeletionStep,
  teamDeletionStep,
  transact,
  type Deps,
  type FinalOutcome,
  type Job,
} from '@spp/domain';
import type { CapturingMailTransport } from '../memory/CapturingMailTransport.js';
import type { ScriptedServiceClient } from '../memory/ScriptedServiceClient.js';
import type { RecordingLogger } from './RecordingLogger.js';
import type { SimulationClock } from './SimulationClock.js';

/** What a use case answered: its value, or the DomainError (spec label) it failed with. */
export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: DomainError };

/** Something that went wrong inside the platform that no caller was told about: a bug in a simulation. */
export interface SimulationFault {
  readonly source: 'log' | 'job';
  readonly message: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface SettleOptions {
  /** give up (and throw) after this many rounds of mail, job and delivery work; default 1000 */
  readonly maxRounds?: number;
  /**
   * Called when every worker waits for something that is neither time nor the platform (e.g. an fc.scheduler
   * holding back service answers). Return true when it released something.
   */
  readonly drive?: () => Promise<boolean>;
}

export interface SettleReport {
  readonly rounds: number;
  readonly mailsSent: number;
  readonly jobsRun: number;
  readonly botsDrained: number;
  /** simulated time that passed while settling (retry spacing, hanging services) */
  readonly elapsedMs: number;
}

export interface DeliveryOutcomeRecord {
  readonly outcome: FinalOutcome;
  readonly serviceId: string;
}

/** The parts a simulation is composed of (see createSimulation). */
export interface SimulationParts {
  readonly seed: number;
  readonly deps: Deps;
  readonly host: BuiltinHost;
  readonly clock: SimulationClock;
  readonly mail: CapturingMailTransport;
  readonly services: ScriptedServiceClient;
  readonly logger: RecordingLogger;
  /** counts store and outbound activity, so "blocked on time" can be told from "still working" */
  readonly activity: () => number;
}

const WORKER = 'simulation-jobs';
const JOB_KINDS = [SERVICE_DELETION_JOB, TEAM_DELETION_JOB];

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
// Effect's scheduler hands long-running fibers to setTimeout(0); one timer turn lets them continue
const timerTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The whole platform — domain use cases and the built-in host — on fakes, driven step by step. Nothing runs on
 * its own: deliveries, durable jobs and mails move only in `settle()`, and time only when the simulation (or a
 * test) moves the clock, so a run is a pure function of its seed and its commands.
 */
export class Simulation {
  readonly seed: number;
  readonly deps: Deps;
  readonly host: BuiltinHost;
  readonly clock: SimulationClock;
  readonly mail: CapturingMailTransport;
  /** the scripted fake services behind the outbound port */
  readonly services: ScriptedServiceClient;
  readonly logger: RecordingLogger;
  readonly engine: DeliveryEngine;
  /** every delivery item's final outcome, in order */
  readonly deliveryOutcomes: DeliveryOutcomeRecord[] = [];
  private readonly jobFaults: SimulationFault[] = [];
  private readonly activity: () => number;

  constructor(parts: SimulationParts) {
    this.seed = parts.seed;
    this.deps = parts.deps;
    this.host = parts.host;
    this.clock = parts.clock;
    this.mail = parts.mail;
    this.services = parts.services;
    this.logger = parts.logger;
    this.activity = parts.activity;
    this.engine = new DeliveryEngine(parts.deps, parts.host, {
      owner: `simulation-${parts.seed}`,
      observer: {
        item: (outcome, serviceId) => void this.deliveryOutcomes.push({ outcome, serviceId }),
        breaker: () => undefined,
      },
    });
  }

  /** Error log lines and failed job steps: a correct platform produces none, whatever the services do. */
  get faults(): SimulationFault[] {
    return [
      ...this.logger.errors.map((l): SimulationFault => ({ source: 'log', message: l.msg, detail: l.fields })),
      ...this.jobFaults,
    ];
  }

  /** Moves simulated time forward; sleepers whose deadline passes wake up. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /**
   * Runs a use case to its end, moving the clock whenever it only waits for time (a hanging service, retry
   * spacing). Typed failures come back as `{ ok: false, error }`; defects (bugs) are thrown.
   */
  attempt<A>(effect: Effect.Effect<A, DomainError>): Promise<Outcome<A>> {
    return this.until(this.outcome(effect));
  }

  /**
   * Like `attempt`, but without moving the clock: for concurrent scenarios in which something else drives time
   * and releases work (e.g. a loop over an fc.scheduler calling `settle({ drive })`).
   */
  async outcome<A>(effect: Effect.Effect<A, DomainError>): Promise<Outcome<A>> {
    const exit = await Effect.runPromiseExit(effect);
    if (Exit.isSuccess(exit)) return { ok: true, value: exit.value };
    const failure = Cause.failureOption(exit.cause);
    if (Option.isSome(failure) && failure.value instanceof DomainError) return { ok: false, error: failure.value };
    throw Cause.squash(exit.cause);
  }

  /** Like `attempt`, but a DomainError is thrown. */
  async run<A>(effect: Effect.Effect<A, DomainError>): Promise<A> {
    const out = await this.attempt(effect);
    if (!out.ok) throw out.error;
    return out.value;
  }

  /**
   * Waits for `promise`, advancing the clock to the next deadline whenever nothing else can make progress.
   * `drive` gets the first chance to release work held outside the platform (see SettleOptions.drive).
   */
  async until<T>(promise: Promise<T>, drive?: () => Promise<boolean>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    while (!done) {
      const mark = this.activity();
      await immediate();
      if (done) break;
      if (this.activity() !== mark) continue;
      await timerTurn();
      if (done || this.activity() !== mark) continue;
      if (drive && (await drive())) continue;
      if (this.clock.advanceToNextWake()) continue;
      throw new Error(`simulation stalled (seed ${this.seed}): work is waiting for something that is neither time nor the platform`);
    }
    return watched;
  }

  /** One round of the mail worker; returns how many mails were claimed. */
  deliverMails(): Promise<number> {
    return Effect.runPromise(deliverDueMails(this.deps, this.mail, { batch: 100, concurrency: 1 }));
  }

  /** Runs every due durable job (service and team deletion) to its end; returns how many were run. */
  async runJobs(): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await Effect.runPromise(
        Effect.orDie(transact(this.deps.store, (tx) => call(() => tx.jobs.claim(JOB_KINDS, WORKER, this.deps.clock.now(), JOB_LEASE_MS)))),
      );
      if (!claimed) return ran;
      ran++;
      const exit = await Effect.runPromiseExit(this.runJob(claimed));
      if (Exit.isFailure(exit)) {
        const message = String(Cause.squash(exit.cause));
        this.jobFaults.push({ source: 'job', message, detail: { job: claimed.id, kind: claimed.kind } });
        // given back for later, as the app's job runner does; settle() does not spin on it
        await Effect.runPromise(
          Effect.orDie(
            transact(this.deps.store, (tx) => call(() => tx.jobs.release(claimed.id, WORKER, this.deps.clock.now() + 60_000, message))),
          ),
        );
      }
    }
  }

  private runJob(job: Job): Effect.Effect<void, DomainError> {
    const { deps, host } = this;
    return Effect.gen(function* () {
      for (;;) {
        const step =
          job.kind === TEAM_DELETION_JOB
            ? yield* teamDeletionStep(deps, host, job, WORKER, JOB_LEASE_MS)
            : yield* serviceDeletionStep(deps, host, job, WORKER);
        if (step !== 'more') return;
      }
    });
  }

  /**
   * Lets the background work of the platform run until nothing is left to do: due mails are sent, due jobs run,
   * and every queued delivery is attempted (retries included, moving the clock as they wait). Unverified
   * registrations older than 24 h are purged first, as the app's housekeeping task does.
   */
  async settle(options: SettleOptions = {}): Promise<SettleReport> {
    const startedAt = this.clock.now();
    const maxRounds = options.maxRounds ?? 1000;
    await Effect.runPromise(Effect.orDie(purgeExpired(this.deps)));
    let rounds = 0;
    let mailsSent = 0;
    let jobsRun = 0;
    let botsDrained = 0;
    for (;;) {
      if (++rounds > maxRounds) throw new Error(`simulation did not settle within ${maxRounds} rounds (seed ${this.seed})`);
      const mails = await this.deliverMails();
      const jobs = await this.runJobs();
      const bots = await this.engine.pump();
      mailsSent += mails;
      jobsRun += jobs;
      botsDrained += bots;
      if (this.engine.busy > 0) await this.until(this.engine.idle(), options.drive);
      if (mails === 0 && jobs === 0 && bots === 0) break;
    }
    return { rounds, mailsSent, jobsRun, botsDrained, elapsedMs: this.clock.now() - startedAt };
  }

  /** Queued delivery items (0 after settle() unless something is stuck). */
  pendingDeliveries(): Promise<number> {
    return this.deps.store.read((tx) => tx.deliveries.totalPending());
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.deps.serviceClient.close();
    await this.deps.store.close();
  }
}
