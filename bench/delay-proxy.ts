// A TCP proxy on 127.0.0.1 that puts a round trip between a client and one
// upstream, as a WAN link does (no netem here): every byte is delivered half a
// round trip after it arrived, in order, in both directions, and a new
// connection costs one round trip before its first byte goes (the TCP
// handshake a far server costs). Bandwidth is not limited. The bench starts
// one in front of BioT and one in front of storage, and every tool goes
// through the same one.
//
// Run as its own process, so its CPU is not the bench's (which hosts the
// sandbox): `node bench/delay-proxy.ts UPSTREAM_URL RTT_MS` prints
// {"url":"http://127.0.0.1:PORT"} and runs until killed.
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Bytes queued in one direction before its sender is paused (what a TCP window would hold in flight). */
const MAX_QUEUED = 8 * 1024 * 1024;

/**
 * Delivers what `from` sends to `to` `delayMs` after it arrived (not before
 * `notBefore()`), in order; ends `to` when `from` ended and its queue is empty.
 */
function delayed(from: Socket, to: Socket, delayMs: number, notBefore: () => number): void {
  const queue: { at: number; chunk: Buffer }[] = [];
  let queued = 0;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && (queue[0] as { at: number }).at <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer };
      queued -= chunk.length;
      to.write(chunk);
    }
    if (queued < MAX_QUEUED && from.isPaused()) from.resume();
    if (queue.length) timer = setTimeout(flush, Math.max(0, (queue[0] as { at: number }).at - performance.now()));
    else if (ended) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ at: Math.max(performance.now(), notBefore()) + delayMs, chunk });
    queued += chunk.length;
    if (queued >= MAX_QUEUED) from.pause();
    timer ??= setTimeout(flush, Math.max(0, (queue[0] as { at: number }).at - performance.now()));
  });
  from.on('end', () => {
    ended = true;
    timer ??= setTimeout(flush, 0);
  });
  from.on('close', () => {
    if (timer) clearTimeout(timer);
  });
}

/** Starts the proxy; answers its URL and a close function. */
export async function startDelayProxy(upstream: string, rttMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const oneWay = rttMs / 2;
  const sockets = new Set<Socket>();
  const listener = createServer({ noDelay: true }, (client) => {
    // The handshake with a far server takes a round trip before the first byte can go.
    const openAt = performance.now() + rttMs;
    const server = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        server.destroy();
      });
    }
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    delayed(client, server, oneWay, () => openAt);
    delayed(server, client, oneWay, () => 0);
  });
  await new Promise<void>((done, fail) => {
    listener.once('error', fail);
    listener.listen(0, '127.0.0.1', () => done());
  });
  return {
    url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        listener.close(() => done());
      }),
  };
}

/** Starts the proxy as its own process; stop() ends it. */
export async function spawnDelayProxy(upstream: string, rttMs: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [import.meta.filename, upstream, String(rttMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^\{.*\}$/m.exec(out);
      if (line) done((JSON.parse(line[0]) as { url: string }).url);
    });
    child.once('exit', (code) => fail(new Error(`delay proxy exited ${code} before it listened`)));
  });
  return { url, stop: () => void child.kill('SIGTERM') };
}

if (import.meta.main) {
  const [upstream, rtt] = process.argv.slice(2);
  if (!upstream || !Number.isFinite(Number(rtt))) {
    console.error('usage: node bench/delay-proxy.ts UPSTREAM_URL RTT_MS');
    process.exit(2);
  }
  const proxy = await startDelayProxy(upstream, Number(rtt));
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
}
