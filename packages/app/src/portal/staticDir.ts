import { fileURLToPath } from 'node:url';

/**
 * The browser files are plain JS/HTML/CSS kept in src/ (no bundler): this module sits at src/portal/ under vitest
 * and at dist/portal/ when compiled, and both are two levels below the package root.
 */
export const portalStaticDir = (): string => fileURLToPath(new URL('../../src/portal/static/', import.meta.url));
