// Which proxy (or none) a connection to a host goes through, from
// network.proxy: "system" (the desktop app: Chromium's own answer for that
// URL, PAC files, WPAD and the OS settings included, asked of the shell per
// host), "env" (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, the headless default),
// "none", or a proxy URL; plus network.noProxy. The BioT API host and the
// storage host are asked for separately: a PAC file may send them different ways.
import { bypassesProxy, firstProxy, proxyLabel, splitNoProxy } from './proxy-rules.ts';

export type ProxySetting = 'system' | 'env' | 'none' | (string & {});

/** How to reach one origin. `authorization` is the Proxy-Authorization header (a secret: never logged). */
export type Route = { kind: 'direct' } | { kind: 'proxy'; proxy: URL; label: string; authorization?: string | undefined };

/** Chromium's resolveProxy, reached through the host (main process): a PAC-style answer for a URL. */
export interface SystemProxyResolver {
  resolve(url: string): Promise<string>;
}

export interface ProxyChoiceOptions {
  setting: ProxySetting;
  noProxy?: readonly string[];
  /** network.proxyUsername and the proxy password (safeStorage, or DEVICE_UPLOADER_PROXY_PASSWORD). */
  credentials?: { username: string; password: string } | undefined;
  env?: NodeJS.ProcessEnv;
  /** Only the desktop app has one; "system" without it falls back to the environment. */
  system?: SystemProxyResolver | undefined;
  /** How long a system answer is reused before it is asked again (the network may have changed). */
  systemTtlMs?: number;
  now?: () => number;
}

export interface ProxyChoice {
  route(target: URL): Promise<Route>;
  /** Forgets system answers (the network changed, or a connection through one failed). */
  forget(): void;
  /** The mode in force, for logs and doctor: "system", "env", "none" or the proxy's host:port. */
  readonly mode: string;
}

const SYSTEM_TTL_MS = 60_000;

export function proxyChoice(options: ProxyChoiceOptions): ProxyChoice {
  const env = options.env ?? process.env;
  const noProxy = options.noProxy ?? [];
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  // Credentials in the proxy URL itself (HTTPS_PROXY=http://user:pass@proxy:3128) win over the configured ones.
  const toRoute = (proxy: URL): Route => {
    const user = decodeURIComponent(proxy.username);
    const authorization = user
      ? basic(user, decodeURIComponent(proxy.password))
      : options.credentials
        ? basic(options.credentials.username, options.credentials.password)
        : undefined;
    const bare = new URL(proxy.href);
    bare.username = '';
    bare.password = '';
    return { kind: 'proxy', proxy: bare, label: proxyLabel(bare), authorization };
  };
  const direct: Route = { kind: 'direct' };

  const fromEnv = (target: URL): Route => {
    const value =
      target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
    if (!value) return direct;
    if (bypassesProxy([...noProxy, ...splitNoProxy(env.NO_PROXY ?? env.no_proxy)], target)) return direct;
    return toRoute(new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`));
  };

  const setting = options.setting;
  if (setting === 'none') return { route: async () => direct, forget: () => {}, mode: 'none' };
  if (setting === 'env' || (setting === 'system' && !options.system)) {
    return { route: async (t) => fromEnv(t), forget: () => {}, mode: 'env' };
  }
  if (setting !== 'system') {
    const fixed = toRoute(new URL(setting));
    return {
      route: async (t) => (bypassesProxy(noProxy, t) ? direct : fixed),
      forget: () => {},
      mode: fixed.kind === 'proxy' ? fixed.label : 'none',
    };
  }
  const system = options.system as SystemProxyResolver;
  const now = options.now ?? Date.now;
  const ttl = options.systemTtlMs ?? SYSTEM_TTL_MS;
  const answers = new Map<string, { at: number; route: Promise<Route> }>();
  return {
    mode: 'system',
    forget: () => answers.clear(),
    route(target) {
      if (bypassesProxy(noProxy, target)) return Promise.resolve(direct);
      const known = answers.get(target.origin);
      if (known && now() - known.at < ttl) return known.route;
      const route = system.resolve(`${target.origin}/`).then((answer) => {
        const first = firstProxy(answer);
        return first === undefined || first === 'direct' ? direct : toRoute(first);
      });
      // A failed answer is not kept: the next connection asks again.
      route.catch(() => answers.delete(target.origin));
      answers.set(target.origin, { at: now(), route });
      return route;
    },
  };
}
