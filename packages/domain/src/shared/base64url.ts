/** base64url without padding (RFC 4648 §5), the alphabet of verification keys and codes. */
export const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export const isBase64url = (s: string, min: number, max: number): boolean =>
  s.length >= min && s.length <= max && /^[A-Za-z0-9_-]*$/.test(s);
