import type { AppContext, RouteDef } from '../types.js';

export const botApiRoutes = (_ctx: AppContext): RouteDef[] => [];
