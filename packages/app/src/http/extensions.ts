import type { ExpressExtension } from './createHttpApp.js';
import { portalExtension } from '../portal/index.js';

/** Non-JSON parts of the site (the portal adds itself here). */
export const expressExtensions: ExpressExtension[] = [portalExtension];
