import type { AppContext, RouteDef } from '../types.js';

export const botRoutes = (_ctx: AppContext): RouteDef[] => [];
