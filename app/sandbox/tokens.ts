// JWT-shaped tokens (HS256 over the state secret) so clients that peek at
// `exp` see something real; the sandbox checks signature and expiry itself.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export type TokenUse = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  use: TokenUse;
  /** Who holds it: the user or the service user. */
  principal: 'user' | 'service';
  iat: number;
  /** Expiry in milliseconds since the epoch (JWT's exp is in seconds; we keep ms for sub-second TTLs in tests). */
  expMs: number;
  exp: number;
  jti: string;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Issues a signed token for `sub` valid for ttlSeconds. */
export function issueToken(
  secret: string,
  sub: string,
  principal: 'user' | 'service',
  use: TokenUse,
  ttlSeconds: number,
): { token: string; expires: Date } {
  const now = Date.now();
  const expMs = now + ttlSeconds * 1000;
  const claims: TokenClaims = { sub, use, principal, iat: Math.floor(now / 1000), expMs, exp: Math.floor(expMs / 1000), jti: randomUUID() };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return { token: `${unsigned}.${signature}`, expires: new Date(expMs) };
}

/** The claims of a token that is well-formed, signed by `secret`, of the given use and not expired; else undefined. */
export function verifyToken(secret: string, token: string, use: TokenUse): TokenClaims | undefined {
  const pieces = token.split('.');
  if (pieces.length !== 3) return undefined;
  const [header, payload, signature] = pieces as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return undefined;
  }
  if (claims.use !== use || !(claims.expMs > Date.now())) return undefined;
  return claims;
}
