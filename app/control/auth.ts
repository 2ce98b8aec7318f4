// Who may talk to the control server. It listens on loopback, but any web
// page the same person opens can send requests to 127.0.0.1, and DNS
// rebinding can make a foreign name resolve there. So every request must
// (1) name our host, (2) come from our own origin when it says where it
// comes from, and (3) carry the random token: as the cookie set on the first
// page load, or as a Bearer header (scripts, the CLI).
// Cookies ignore ports: the browser sends a 127.0.0.1 cookie to every local
// port, and a second instance setting a cookie of the same name would replace
// the first one's. So each instance names its cookie with its own random id
// and reads only that one.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE_PREFIX = 'du_token_';

/** 32 random bytes, base64url: the secret in the URL the person opens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** This instance's cookie name: a fresh random suffix per server, so instances never share or overwrite one. */
export function newCookieName(): string {
  return `${COOKIE_PREFIX}${randomBytes(8).toString('hex')}`;
}

/** Where a request comes from, per Sec-Fetch-Site: only our own pages, or the person (address bar, bookmark). */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

export type Verdict = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/** Decides whether a request may proceed; `origin` is the server's own, e.g. http://127.0.0.1:5123. */
export function admit(req: IncomingMessage, url: URL, auth: { token: string; cookie: string }, origin: string): Verdict {
  const { token } = auth;
  if (req.headers.host !== new URL(origin).host) return { ok: false, status: 403, reason: 'wrong host' };
  // An absolute-form target ("GET http://elsewhere/ HTTP/1.1") names its own host, which HTTP says wins over
  // the Host header; a browser never sends one to a server, so it is refused rather than read as a path
  // (found by the control-server fuzz of the soak suite).
  if (!(req.url ?? '').startsWith('/')) return { ok: false, status: 403, reason: 'request target is not a path' };
  const from = req.headers.origin;
  if (from !== undefined && from !== origin) return { ok: false, status: 403, reason: 'foreign origin' };
  // Browsers that send no Origin still say where a request came from here.
  // "same-site" is refused too: every port of 127.0.0.1 is the same site, so
  // it is what a page served by another local program sends.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && !ALLOWED_FETCH_SITES.has(site)) {
    // Fixed reasons only: the header's value is the client's text, not for logs.
    const reason = site === 'same-site' ? 'same-site request' : site === 'cross-site' ? 'cross-site request' : 'unexpected Sec-Fetch-Site';
    return { ok: false, status: 403, reason };
  }
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null) return same(queryToken, token) ? { ok: true, fromQuery: true } : { ok: false, status: 401, reason: 'bad token' };
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const presented = bearer ?? cookieValue(req.headers.cookie, auth.cookie);
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
export function tokenCookie(name: string, token: string): string {
  return `${name}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
