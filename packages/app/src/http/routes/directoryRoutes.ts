import type { AppContext, RouteDef } from '../types.js';

export const directoryRoutes = (_ctx: AppContext): RouteDef[] => [];
