import type { AppContext } from '../http/types.js';
import type { BackgroundTask } from './BackgroundTask.js';

export const botTasks = (_ctx: AppContext): BackgroundTask[] => [];
