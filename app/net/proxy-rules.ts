// The small grammars of proxy settings: a no-proxy list (NO_PROXY and
// network.noProxy, curl's rules) and Chromium's answer to resolveProxy ("PROXY
// host:port; DIRECT", what a PAC file returns). Pure functions.
import { isIP } from 'node:net';

/**
 * Whether `target` skips the proxy. Entries: `*` (everything), a host name
 * (itself and its subdomains; a leading `.` or `*.` means the same), an IP
 * address, and either with `:port`.
 */
export function bypassesProxy(noProxy: readonly string[], target: URL): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '') return false;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'));
    const name = (m?.[1] ?? entry).replace(/^\*?\./, '');
    if (m?.[2] && m[2] !== port) return false;
    if (isIP(name) || isIP(host)) return name === host;
    return host === name || host.endsWith(`.${name}`);
  });
}

/** NO_PROXY as a list (comma or space separated). */
export function splitNoProxy(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The first usable entry of a PAC-style answer: a proxy URL, 'direct', or undefined when only unsupported kinds (SOCKS) are offered. */
export function firstProxy(answer: string): URL | 'direct' | undefined {
  for (const part of answer.split(';')) {
    const [kind, where] = part.trim().split(/\s+/);
    const k = (kind ?? '').toUpperCase();
    if (k === 'DIRECT') return 'direct';
    if ((k === 'PROXY' || k === 'HTTP' || k === 'HTTPS') && where) {
      try {
        return new URL(`${k === 'HTTPS' ? 'https' : 'http'}://${where}`);
      } catch {
        continue;
      }
    }
  }
  return undefined;
}

/** host:port of a proxy, for messages and logs (never its user name or password). */
export function proxyLabel(proxy: URL): string {
  return `${proxy.hostname}:${proxy.port || (proxy.protocol === 'https:' ? '443' : '80')}`;
}
