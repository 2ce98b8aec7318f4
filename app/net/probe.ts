// The connection to one host, step by step, for `doctor` and Settings' Test
// connection: which route (proxy or direct), DNS, TCP (through the proxy's
// CONNECT when there is one), then TLS with the issuer shown. Each step says
// what it found; the first failure carries app/net's code. No secret is
// printed: the proxy appears as host:port.
import { lookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import { connectFailure, secure, tcp } from './connector.ts';
import { NetFailure, netFailureOf, type NetCode } from './failure.ts';
import type { ProxyChoice } from './proxy-choice.ts';
import type { Trust } from './trust.ts';
import { openTunnel } from './tunnel.ts';

export interface ProbeStep {
  step: 'dns' | 'tcp' | 'tls';
  target: string;
  ok: boolean;
  detail: string;
  code?: NetCode | undefined;
}

/** Walks DNS, TCP and TLS to `url`'s host with the engine's proxy choice and trust; stops at the first failure. */
export async function probeHost(url: URL, net: { proxies: ProxyChoice; trust: Trust }, timeoutMs = 10_000): Promise<ProbeStep[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const steps: ProbeStep[] = [];
  const open: Socket[] = [];
  const fail = (step: ProbeStep['step'], target: string, error: unknown): ProbeStep[] => {
    const net = netFailureOf(error) ?? new NetFailure('NETWORK', { host, errno: (error as NodeJS.ErrnoException)?.code ?? 'error' });
    steps.push({ step, target, ok: false, detail: net.message, code: net.code });
    return steps;
  };
  const timed = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([
      work,
      new Promise<never>((_, reject) => setTimeout(() => reject(new NetFailure('NETWORK', { host, errno: 'timeout' })), timeoutMs).unref()),
    ]);
  try {
    const route = await timed(net.proxies.route(url)).catch((error: unknown) => {
      throw new NetFailure('PROXY_UNREACHABLE', { host, proxy: 'system settings', errno: 'the system proxy settings gave no answer' }, error);
    });
    const proxy = route.kind === 'proxy' ? route : undefined;
    const dnsName = proxy ? proxy.proxy.hostname : host;
    try {
      const address = await timed(lookup(dnsName));
      steps.push({
        step: 'dns',
        target: dnsName,
        ok: true,
        detail: proxy ? `proxy ${proxy.label} is at ${address.address}; it looks up ${host} itself` : `${host} is at ${address.address}`,
      });
    } catch (error) {
      return fail(
        'dns',
        dnsName,
        proxy
          ? new NetFailure('PROXY_UNREACHABLE', { host, proxy: proxy.label, errno: (error as NodeJS.ErrnoException).code })
          : connectFailure(error as NodeJS.ErrnoException, host),
      );
    }
    let socket: Socket;
    try {
      if (proxy) {
        const proxyPort = Number(proxy.proxy.port) || (proxy.proxy.protocol === 'https:' ? 443 : 80);
        socket = await timed(
          tcp(proxy.proxy.hostname, proxyPort, open, (e) => new NetFailure('PROXY_UNREACHABLE', { host, proxy: proxy.label, errno: e.code }, e)),
        );
        if (proxy.proxy.protocol === 'https:') socket = await timed(secure(socket, proxy.proxy.hostname, net, open, undefined));
        await timed(openTunnel(socket, { host, port, proxy: proxy.label, authorization: proxy.authorization }));
      } else {
        socket = await timed(tcp(host, port, open, (e) => connectFailure(e, host)));
      }
      steps.push({
        step: 'tcp',
        target: `${host}:${port}`,
        ok: true,
        detail: proxy ? `the proxy ${proxy.label} opened a tunnel to ${host}:${port}` : `connected to ${host}:${port}`,
      });
    } catch (error) {
      return fail('tcp', `${host}:${port}`, error);
    }
    if (!https) {
      steps.push({ step: 'tls', target: host, ok: true, detail: 'plain HTTP: no certificate to check' });
      return steps;
    }
    let issuer: string | undefined;
    try {
      await timed(secure(socket, host, { trust: net.trust, onConnected: (info) => (issuer = info.issuer) }, open, proxy?.label));
      steps.push({ step: 'tls', target: host, ok: true, detail: `certificate trusted, issued by "${issuer ?? 'unknown'}"` });
    } catch (error) {
      return fail('tls', host, error);
    }
    return steps;
  } catch (error) {
    return fail('tcp', `${host}:${port}`, error);
  } finally {
    for (const s of open.reverse()) if (!s.destroyed) s.destroy();
  }
}
