/** Reads one cookie from a Cookie header (first occurrence wins, as browsers send the most specific path first). */
export const readCookie = (header: string | undefined, name: string): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};

export interface CookieOptions {
  readonly path: string;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  /** absent = a session cookie; 0 = delete now */
  readonly maxAge?: number;
}

/** Every cookie the portal sets is SameSite=Strict: no other site can make the browser send it. */
export const serializeCookie = (name: string, value: string, o: CookieOptions): string =>
  [
    `${name}=${value}`,
    `Path=${o.path}`,
    ...(o.maxAge !== undefined ? [`Max-Age=${o.maxAge}`] : []),
    ...(o.maxAge === 0 ? ['Expires=Thu, 01 Jan 1970 00:00:00 GMT'] : []),
    ...(o.httpOnly ? ['HttpOnly'] : []),
    'SameSite=Strict',
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
