import type { AppContext, RouteDef } from '../types.js';

export const adminRoutes = (_ctx: AppContext): RouteDef[] => [];
