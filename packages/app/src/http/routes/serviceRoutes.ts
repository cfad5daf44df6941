import type { AppContext, RouteDef } from '../types.js';

export const serviceRoutes = (_ctx: AppContext): RouteDef[] => [];
