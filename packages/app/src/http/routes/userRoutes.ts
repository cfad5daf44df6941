import type { AppContext, RouteDef } from '../types.js';

export const userRoutes = (_ctx: AppContext): RouteDef[] => [];
