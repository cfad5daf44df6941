import type { AppContext, RouteDef } from '../types.js';

export const hostRoutes = (_ctx: AppContext): RouteDef[] => [];
