import type { ExpressExtension } from './createHttpApp.js';

/** Non-JSON parts of the site (the portal adds itself here). */
export const expressExtensions: ExpressExtension[] = [];
