import { BuiltinHost, removeBotsOfService, SERVICE_DELETION_JOB, serviceDeletionStep, TEAM_DELETION_JOB, teamDeletionStep } from '@spp/domain';
import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';
import { jobRunnerTask, type JobStep } from './jobRunner.js';

/** The durable cascades: service deletion (services.md S5) and, with the built-in host, team deletion (host.md §3). */
export const serviceTasks = (ctx: AppContext): BackgroundTask[] => {
  const steps: Record<string, JobStep> = {
    [SERVICE_DELETION_JOB]: (job, worker, leaseMs) => serviceDeletionStep(ctx.deps, ctx.host, job, worker, removeBotsOfService, leaseMs),
  };
  const host = ctx.host;
  if (host instanceof BuiltinHost) steps[TEAM_DELETION_JOB] = (job, worker, leaseMs) => teamDeletionStep(ctx.deps, host, job, worker, leaseMs);
  return [jobRunnerTask(ctx, steps)];
};
