export { portalExtension } from './portalExtension.js';
export { PORTAL_CSP } from './headers.js';
export { CSRF_COOKIE, CSRF_REFUSAL } from '../http/csrf.js';
