import type { AppContext, RouteDef } from '../types.js';

export const providerRoutes = (_ctx: AppContext): RouteDef[] => [];
