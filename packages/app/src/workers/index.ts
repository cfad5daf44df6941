import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';
import { botTasks } from './botTasks.js';
import { hostTasks } from './hostTasks.js';
import { providerTasks } from './providerTasks.js';
import { serviceTasks } from './serviceTasks.js';

/** Every background task of the app; each area owns its file. */
export const backgroundTasks = (ctx: AppContext): BackgroundTask[] => [
  ...providerTasks(ctx),
  ...serviceTasks(ctx),
  ...botTasks(ctx),
  ...hostTasks(ctx),
];
export type { BackgroundTask };
