import type { AppContext, RouteDef } from '../types.js';
import { adminRoutes } from './adminRoutes.js';
import { botApiRoutes } from './botApiRoutes.js';
import { botRoutes } from './botRoutes.js';
import { directoryRoutes } from './directoryRoutes.js';
import { hostRoutes } from './hostRoutes.js';
import { metaRoutes } from './metaRoutes.js';
import { providerRoutes } from './providerRoutes.js';
import { serviceRoutes } from './serviceRoutes.js';
import { userRoutes } from './userRoutes.js';

/** Every route of the app; each area owns its own file. */
export const allRoutes = (ctx: AppContext): RouteDef[] => {
  const list: RouteDef[] = [];
  list.push(
    ...metaRoutes(ctx, () => list),
    ...providerRoutes(ctx),
    ...adminRoutes(ctx),
    ...userRoutes(ctx),
    ...hostRoutes(ctx),
    ...serviceRoutes(ctx),
    ...directoryRoutes(ctx),
    ...botRoutes(ctx),
    ...botApiRoutes(ctx),
  );
  return list;
};
