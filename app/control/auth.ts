// Who may talk to the control server. It listens on loopback, but any web
// page the same person opens can send requests to 127.0.0.1, and DNS
// rebinding can make a foreign name resolve there. So every request must
// (1) name our host, (2) come from our own origin when it says where it
// comes from, and (3) carry the random token: as the cookie set on the first
// page load, or as a Bearer header (scripts, the CLI).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'du_token';

/** 32 random bytes, base64url: the secret in the URL the person opens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export type Verdict = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/** Decides whether a request may proceed; `origin` is the server's own, e.g. http://127.0.0.1:5123. */
export function admit(req: IncomingMessage, url: URL, token: string, origin: string): Verdict {
  if (req.headers.host !== new URL(origin).host) return { ok: false, status: 403, reason: 'wrong host' };
  const from = req.headers.origin;
  if (from !== undefined && from !== origin) return { ok: false, status: 403, reason: 'foreign origin' };
  // Browsers that send no Origin still say where a request came from here.
  if (req.headers['sec-fetch-site'] === 'cross-site') return { ok: false, status: 403, reason: 'cross-site request' };
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null) return same(queryToken, token) ? { ok: true, fromQuery: true } : { ok: false, status: 401, reason: 'bad token' };
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const presented = bearer ?? cookieValue(req.headers.cookie, COOKIE);
  if (presented === undefined) return { ok: false, status: 401, reason: 'no token' };
  return same(presented, token) ? { ok: true, fromQuery: false } : { ok: false, status: 401, reason: 'bad token' };
}

/** Constant-time comparison; the length is checked first (it is public: every token is 43 characters). */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The cookie that carries the token after the first load: never readable by script, never sent cross-site. */
export function tokenCookie(token: string): string {
  return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
