// HMAC-signed, expiring links for the embedded disk store: the signature
// covers method, path and expiry, so a tampered or reused link is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signs method+path until expiresMs and returns the query string to append. */
export function signLink(secret: string, method: string, path: string, expiresMs: number): string {
  const signature = createHmac('sha256', secret).update(`${method}\n${path}\n${expiresMs}`).digest('hex');
  return `X-Sandbox-Expires=${expiresMs}&X-Sandbox-Signature=${signature}`;
}

/** 'ok', 'expired' or 'bad' for a link's query against method and path. */
export function checkLink(secret: string, method: string, path: string, query: URLSearchParams): 'ok' | 'expired' | 'bad' {
  const expires = Number(query.get('X-Sandbox-Expires'));
  const given = Buffer.from(query.get('X-Sandbox-Signature') ?? '', 'hex');
  const expected = createHmac('sha256', secret)
    .update(`${method}\n${path}\n${query.get('X-Sandbox-Expires')}`)
    .digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad';
  return Number.isFinite(expires) && expires > Date.now() ? 'ok' : 'expired';
}
