// The engine's network: trust and proxy choice built once from the config's
// `network` section, and the undici dispatchers every BioT call and storage
// PUT goes through (both via connector.ts). This is the seam where another
// transport (Electron's net, for NTLM proxies) would plug in: whatever the
// engine sends goes through a Dispatcher made here.
import { Agent, type Dispatcher } from 'undici';
import { createConnector } from './connector.ts';
import { proxyChoice, type ProxyChoice, type ProxySetting, type SystemProxyResolver } from './proxy-choice.ts';
import { loadTrust, type Trust } from './trust.ts';

export { NetFailure, netFailureOf, isNetCode, isSetupCode, netAdvice, netWords, NET_CODES, type NetCode, type NetFacts } from './failure.ts';
export type { ProxySetting, SystemProxyResolver, Route } from './proxy-choice.ts';
export { CaFileError } from './trust.ts';

/** The config's `network` section, as the engine needs it (the password already merged in). */
export interface NetworkSettings {
  proxy?: ProxySetting | undefined;
  noProxy?: readonly string[] | undefined;
  proxyUsername?: string | undefined;
  proxyPassword?: string | undefined;
  caFile?: string | undefined;
}

export interface NetHostOptions {
  env?: NodeJS.ProcessEnv;
  /** The desktop app's resolver for "system"; headless hosts have none. */
  system?: SystemProxyResolver | undefined;
  /** network.proxy when the config leaves it out: "system" in the desktop app, "env" headless. */
  defaultProxy?: 'system' | 'env';
  /** Each connection the dispatchers make (host and route, no secrets). */
  onConnected?: (info: { host: string; via: string; issuer?: string | undefined }) => void;
}

/** Trust and proxy choice shared by every dispatcher of one engine. */
export interface Net {
  trust: Trust;
  proxies: ProxyChoice;
  /** A keep-alive pool whose connections go through connector.ts. */
  dispatcher(options?: Omit<Agent.Options, 'connect'> & { connectTimeoutMs?: number }): Dispatcher;
}

/** Builds the engine's network; throws CaFileError for an unusable network.caFile. */
export function openNet(settings: NetworkSettings = {}, host: NetHostOptions = {}): Net {
  const trust = loadTrust(settings.caFile);
  const credentials = settings.proxyUsername !== undefined ? { username: settings.proxyUsername, password: settings.proxyPassword ?? '' } : undefined;
  const proxies = proxyChoice({
    setting: settings.proxy ?? host.defaultProxy ?? 'env',
    noProxy: settings.noProxy ?? [],
    credentials,
    env: host.env ?? process.env,
    system: host.system,
  });
  return {
    trust,
    proxies,
    dispatcher({ connectTimeoutMs = 10_000, ...agent } = {}) {
      const connect = createConnector({
        trust,
        timeoutMs: connectTimeoutMs,
        route: (target) => proxies.route(target),
        ...(host.onConnected && { onConnected: host.onConnected }),
      });
      return new Agent({ ...agent, connect });
    },
  };
}
