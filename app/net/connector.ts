// The one way the engine opens connections (undici's `connect` hook): to the
// host directly or through a CONNECT tunnel, then TLS with the engine's trust
// (trust.ts). Certificates are checked here rather than inside Node's
// handshake so that a refusal can name what was shown (the issuer a
// TLS-inspecting proxy signs with); a socket that is not authorized is
// destroyed before undici sees it. Every failure is a NetFailure with a code.
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { NetFailure, netFailureOf, type NetCode } from './failure.ts';
import type { Route } from './proxy-choice.ts';
import type { Trust } from './trust.ts';
import { openTunnel } from './tunnel.ts';

export interface ConnectorOptions {
  route(target: URL): Promise<Route>;
  trust: Trust;
  /** The whole connection (proxy, tunnel, TLS) within this, or it fails. */
  timeoutMs: number;
  /** Told about each connection made (mode and host, no secrets), for doctor and tests. */
  onConnected?: (info: { host: string; via: string; issuer?: string | undefined }) => void;
}

type Stage = 'route' | 'proxy' | 'tunnel' | 'target';

export function createConnector(options: ConnectorOptions): buildConnector.connector {
  return (opts, callback) => {
    const https = opts.protocol === 'https:';
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const port = Number(opts.port) || (https ? 443 : 80);
    const open: Socket[] = [];
    let stage: Stage = 'route';
    let proxy: string | undefined;
    let settled = false;
    const settle = (error: Error | null, socket?: Socket) => {
      if (settled) return void socket?.destroy();
      settled = true;
      clearTimeout(timer);
      if (error) {
        // Outermost first: destroying a socket under a live TLS socket can crash Node at exit.
        for (const s of open.reverse()) if (!s.destroyed) s.destroy();
        callback(error, null);
      } else callback(null, socket as Socket);
    };
    const timer = setTimeout(() => settle(timeoutFailure(stage, host, proxy)), options.timeoutMs);
    const run = async (): Promise<Socket> => {
      const target = new URL(`${opts.protocol}//${opts.host ?? `${opts.hostname}:${port}`}`);
      const route = await options.route(target).catch((error: unknown) => {
        throw new NetFailure('PROXY_UNREACHABLE', { host, proxy: 'system settings', errno: 'the system proxy settings gave no answer' }, error);
      });
      let socket: Socket;
      if (route.kind === 'proxy') {
        proxy = route.label;
        stage = 'proxy';
        const proxyPort = Number(route.proxy.port) || (route.proxy.protocol === 'https:' ? 443 : 80);
        socket = await tcp(route.proxy.hostname, proxyPort, open, (e) => new NetFailure('PROXY_UNREACHABLE', { host, proxy, errno: e.code }, e));
        if (route.proxy.protocol === 'https:') socket = await secure(socket, route.proxy.hostname, options, open, undefined);
        stage = 'tunnel';
        await openTunnel(socket, { host, port, proxy: route.label, authorization: route.authorization });
      } else {
        stage = 'target';
        socket = await tcp(host, port, open, (e) => connectFailure(e, host));
      }
      stage = 'target';
      if (https) socket = await secure(socket, host, options, open, proxy);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      return socket;
    };
    run().then(
      (socket) => settle(null, socket),
      (error: unknown) =>
        settle(netFailureOf(error) ?? new NetFailure('NETWORK', { host, proxy, errno: (error as NodeJS.ErrnoException).code }, error)),
    );
  };
}

function timeoutFailure(stage: Stage, host: string, proxy: string | undefined): NetFailure {
  if (stage === 'proxy') return new NetFailure('PROXY_UNREACHABLE', { host, proxy, errno: 'timeout' });
  if (stage === 'route') return new NetFailure('PROXY_UNREACHABLE', { host, proxy: 'system settings', errno: 'no proxy answer from the system' });
  return new NetFailure('NETWORK', { host, proxy, errno: 'timeout' });
}

/** A direct connection's failure: a name that does not resolve is DNS; the rest is the network. */
export function connectFailure(error: NodeJS.ErrnoException, host: string): NetFailure {
  const code: NetCode = error.code === 'ENOTFOUND' ? 'DNS' : 'NETWORK';
  return new NetFailure(code, { host, errno: error.code }, error);
}

export function tcp(host: string, port: number, open: Socket[], fail: (e: NodeJS.ErrnoException) => NetFailure): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    open.push(socket);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (e: NodeJS.ErrnoException) => reject(fail(e));
    socket.once('error', onError);
  });
}

/** TLS over `socket` with the engine's trust; an unauthorized peer is refused with what it showed. */
export function secure(
  socket: Socket,
  host: string,
  options: Pick<ConnectorOptions, 'trust' | 'onConnected'>,
  open: Socket[],
  proxy: string | undefined,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({
      socket,
      host,
      // SNI takes names only; an IP address is checked against the certificate's IP entries.
      ...(isIP(host) === 0 && { servername: host }),
      secureContext: options.trust.context,
      // Checked below, so the refusal can name the issuer; nothing is sent before.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1', 'h2'],
    });
    open.push(tls);
    tls.once('secureConnect', () => {
      tls.off('error', onError);
      const issuer = topIssuer(tls.getPeerCertificate(true));
      if (!tls.authorized) {
        const reason = String(tls.authorizationError ?? 'UNKNOWN');
        tls.destroy();
        const code: NetCode = reason === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'TLS_HOSTNAME' : 'TLS_UNTRUSTED';
        return reject(new NetFailure(code, { host, proxy, issuer, ...(code === 'TLS_UNTRUSTED' && { reason }) }));
      }
      options.onConnected?.({ host, via: proxy ?? 'direct', issuer });
      resolve(tls);
    });
    const onError = (e: NodeJS.ErrnoException) => reject(new NetFailure('NETWORK', { host, proxy, errno: e.code ?? 'TLS handshake failed' }, e));
    tls.once('error', onError);
  });
}

/** Who issued the top of the chain the peer showed: the root or intermediate a person would look for. */
export function topIssuer(cert: DetailedPeerCertificate | PeerCertificate | Record<string, never>): string | undefined {
  let top = cert as DetailedPeerCertificate | undefined;
  for (let i = 0; i < 10 && top?.issuerCertificate && top.issuerCertificate !== top; i++) top = top.issuerCertificate;
  const issuer = top?.issuer as unknown as Record<string, string | string[]> | undefined;
  const name = issuer?.CN ?? issuer?.O;
  return Array.isArray(name) ? name[0] : name;
}
