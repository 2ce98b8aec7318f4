// HTTP CONNECT through a proxy on an open socket: the request, the answer's
// head, and what a refusal means (407 with the schemes it offers, 403, or the
// proxy failing to reach the host: squid names a DNS failure in X-Squid-Error).
import type { Socket } from 'node:net';
import { NetFailure } from './failure.ts';

const MAX_HEAD = 64 * 1024;

export interface TunnelTarget {
  host: string;
  port: number;
  /** host:port of the proxy, for messages. */
  proxy: string;
  authorization?: string | undefined;
}

interface Head {
  status: number;
  headers: Map<string, string[]>;
  /** Bytes that came after the head (a proxy speaking first on the tunnel). */
  rest: Buffer;
}

/** Opens a tunnel to target over `socket` (connected to the proxy); resolves once the proxy answered 200. */
export async function openTunnel(socket: Socket, target: TunnelTarget): Promise<void> {
  const authority = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, 'Proxy-Connection: keep-alive'];
  if (target.authorization) lines.push(`Proxy-Authorization: ${target.authorization}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await readHead(socket, target);
  if (head.status >= 200 && head.status < 300) {
    if (head.rest.length > 0) socket.unshift(head.rest);
    return;
  }
  socket.destroy();
  const facts = { host: target.host, proxy: target.proxy, status: head.status };
  if (head.status === 407) {
    const schemes = (head.headers.get('proxy-authenticate') ?? []).map((v) => v.split(/\s/)[0] ?? '').filter(Boolean);
    throw new NetFailure('PROXY_AUTH', { ...facts, schemes });
  }
  if (head.status === 403) throw new NetFailure('PROXY_REFUSED', facts);
  if ((head.headers.get('x-squid-error') ?? []).some((v) => v.startsWith('ERR_DNS_FAIL'))) throw new NetFailure('DNS', facts);
  throw new NetFailure('NETWORK', facts);
}

function readHead(socket: Socket, target: TunnelTarget): Promise<Head> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(new NetFailure('NETWORK', { host: target.host, proxy: target.proxy, errno: error.code ?? 'error' }, error));
    };
    const onClose = () => {
      cleanup();
      reject(new NetFailure('NETWORK', { host: target.host, proxy: target.proxy, errno: 'closed by the proxy' }));
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD) onError(Object.assign(new Error('proxy answer too long'), { code: 'EPROTO' }));
        return;
      }
      cleanup();
      socket.pause();
      const [statusLine = '', ...headerLines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1] ?? 0);
      resolve({ status, headers, rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
