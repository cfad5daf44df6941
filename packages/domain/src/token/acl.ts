/** Which credential a path needs (README "Access control per path family"). Paths come without `/vN`. */
export type PathFamily = 'open' | 'provider' | 'bot' | 'admin' | 'user';

const OPEN = new Set([
  'POST /provider/register',
  'GET /provider/activate',
  'GET /provider/approve',
  'POST /provider/login',
  'POST /provider/password-reset',
  'POST /provider/password-reset/complete',
  'POST /register',
  'POST /login',
  'GET /api-version',
  'GET /api-docs/openapi.json',
]);

const BOT_PREFIXES = ['/bot/client', '/bot/users', '/bot/assets'];
const BOT_EXACT = new Set(['/bot/self', '/bot/conversation', '/bot/messages']);

const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + '/');

export const pathFamily = (method: string, path: string): PathFamily => {
  if (OPEN.has(`${method} ${path}`)) return 'open';
  // the provider website is public; it talks to the JSON API with the provider's own cookie
  if (under(path, '/portal') || path === '/') return 'open';
  if (under(path, '/i')) return 'admin';
  if (under(path, '/provider')) return 'provider';
  if (BOT_EXACT.has(path) || BOT_PREFIXES.some((p) => under(path, p))) return 'bot';
  return 'user';
};

/** The token type each token-carrying family accepts. */
export const familyTokenType = { provider: 'p', bot: 'b', user: 'a' } as const;
