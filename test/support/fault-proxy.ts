// A TCP fault proxy on 127.0.0.1: forwards bytes to one upstream and, for each
// HTTP request (framed by its headers and Content-Length, so keep-alive
// connections get a draw per request), decides by a seeded random draw whether
// to reset the connection (before the request reached the server, or after
// the server acted and before its answer arrives), stall it mid-body, or flip
// one byte of its body.
// A shared pacer varies the bandwidth over time. Faults happen on the wire, as
// in a clinic's network, not in the code under test.
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seeded-random.ts';

export interface FaultPlan {
  /** Chance that a request's connection is reset (half before the request lands, half after the server acted). */
  resetRate?: number;
  /** Chance that a request stops being forwarded for `stallMs` somewhere mid-body. */
  stallRate?: number;
  stallMs?: number;
  /** Chance that one byte of a request body is flipped. */
  flipRate?: number;
  /** Bandwidth for all connections together, in bytes per second, as a function of seconds since start; absent = unlimited. */
  bandwidth?: (seconds: number) => number;
  /** Seed of the random draws, so a failing run can be replayed. */
  seed?: number;
}

export interface FaultCounts {
  connections: number;
  resetsBeforeServer: number;
  resetsAfterServer: number;
  stalls: number;
  flips: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  counts: FaultCounts;
  /** Replaces the plan for connections opened from now on. */
  setPlan(plan: FaultPlan): void;
  close(): Promise<void>;
}

/** Paces bytes through a shared budget whose rate may change over time. */
class Pacer {
  readonly #started = Date.now();
  #next = Date.now();
  readonly rate: (seconds: number) => number;
  constructor(rate: (seconds: number) => number) {
    this.rate = rate;
  }

  async take(bytes: number): Promise<void> {
    const now = Date.now();
    const perSecond = Math.max(1024, this.rate((now - this.#started) / 1000));
    this.#next = Math.max(this.#next, now) + (bytes / perSecond) * 1000;
    const wait = this.#next - now;
    if (wait > 1) await new Promise((done) => setTimeout(done, wait));
  }
}

/** The faults drawn for one HTTP request (requests are framed by their headers and Content-Length). */
interface RequestFaults {
  /** Reset the connection this many bytes into the request (headers included). */
  resetAt?: number;
  /** Reset the connection when the answer to this request starts arriving: the server acted, the client never hears. */
  resetAnswer?: boolean;
  /** Body offset at which forwarding stops for `stallMs`. */
  stallAt?: number;
  /** Body offset of the byte to flip. */
  flipAt?: number;
}

function draw(plan: FaultPlan, random: () => number, headBytes: number, bodyBytes: number): RequestFaults {
  const faults: RequestFaults = {};
  if (random() < (plan.resetRate ?? 0)) {
    if (random() < 0.5) faults.resetAt = Math.floor(random() * (headBytes + bodyBytes));
    else faults.resetAnswer = true;
  }
  if (bodyBytes > 0 && random() < (plan.stallRate ?? 0)) faults.stallAt = Math.floor(random() * bodyBytes);
  if (bodyBytes > 0 && random() < (plan.flipRate ?? 0)) faults.flipAt = Math.floor(random() * bodyBytes);
  return faults;
}

/** The header block's length and the body's, once the header block is complete; chunked bodies are not framed. */
function frame(head: Buffer): { headBytes: number; bodyBytes: number; chunked: boolean } | undefined {
  const end = head.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const text = head.subarray(0, end).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
  return { headBytes: end + 4, bodyBytes: length ? Number(length[1]) : 0, chunked: /\r\ntransfer-encoding:\s*chunked/i.test(text) };
}

/** Starts the proxy in front of `upstream` (http://host:port). */
export async function startFaultProxy(upstream: string, plan: FaultPlan = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  let current = plan;
  const random = seededRandom(plan.seed ?? 1);
  let pacer = plan.bandwidth ? new Pacer(plan.bandwidth) : undefined;
  const counts: FaultCounts = { connections: 0, resetsBeforeServer: 0, resetsAfterServer: 0, stalls: 0, flips: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        done();
      }, ms);
      timers.add(timer);
    });

  function handle(client: Socket): void {
    counts.connections++;
    const server = connect({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    const kill = () => {
      client.resetAndDestroy();
      server.destroy();
    };
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    let resetNextAnswer = false;

    const forward = async (chunk: Buffer): Promise<boolean> => {
      await pacer?.take(chunk.length);
      if (!server.write(chunk)) await once(server, 'drain').catch(() => {});
      return !server.destroyed;
    };

    // Request direction: requests are framed one by one and each gets its own draw.
    void (async () => {
      let pending: Buffer = Buffer.alloc(0);
      /** Bytes of the current request still to come; -1 while its header block is incomplete, Infinity when unframed. */
      let left = -1;
      let at = 0;
      let faults: RequestFaults = {};
      let headBytes = 0;
      for await (const raw of client as AsyncIterable<Buffer>) {
        pending = pending.length ? Buffer.concat([pending, raw]) : raw;
        while (pending.length) {
          if (left === -1) {
            const framed = frame(pending);
            if (!framed) break; // wait for the rest of the header block
            headBytes = framed.headBytes;
            left = framed.chunked ? Infinity : framed.headBytes + framed.bodyBytes;
            faults = framed.chunked ? {} : draw(current, random, framed.headBytes, framed.bodyBytes);
            at = 0;
          }
          let chunk = pending.subarray(0, Math.min(pending.length, left));
          pending = pending.subarray(chunk.length);
          const bodyStart = at - headBytes;
          const inChunk = (bodyOffset: number | undefined) =>
            bodyOffset !== undefined && bodyOffset >= bodyStart && bodyOffset < bodyStart + chunk.length;
          if (faults.resetAt !== undefined && faults.resetAt < at + chunk.length) {
            counts.resetsBeforeServer++;
            return kill();
          }
          if (inChunk(faults.flipAt)) {
            chunk = Buffer.from(chunk);
            const index = faults.flipAt! - bodyStart;
            chunk[index] = chunk[index]! ^ 0xff;
            counts.flips++;
            faults.flipAt = undefined;
          }
          if (inChunk(faults.stallAt)) {
            const split = faults.stallAt! - bodyStart;
            faults.stallAt = undefined;
            if (!(await forward(chunk.subarray(0, split)))) return;
            counts.stalls++;
            await sleep(current.stallMs ?? 30_000);
            if (client.destroyed) return;
            chunk = chunk.subarray(split);
          }
          if (!(await forward(chunk))) return;
          at += chunk.length;
          left -= chunk.length;
          if (left === 0) {
            if (faults.resetAnswer) resetNextAnswer = true;
            left = -1;
          }
        }
      }
      server.end();
    })().catch(kill);

    // Answer direction: a request marked for it loses its answer after the server acted.
    void (async () => {
      for await (const chunk of server as AsyncIterable<Buffer>) {
        if (resetNextAnswer) {
          counts.resetsAfterServer++;
          return kill();
        }
        if (!client.write(chunk)) await once(client, 'drain').catch(() => {});
        if (client.destroyed) return;
      }
      client.end();
    })().catch(kill);
  }

  const listener: Server = createServer({ noDelay: true }, handle);
  await new Promise<void>((done, fail) => {
    listener.once('error', fail);
    listener.listen(0, '127.0.0.1', () => done());
  });
  const port = (listener.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    setPlan(next) {
      current = next;
      pacer = next.bandwidth ? new Pacer(next.bandwidth) : undefined;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => listener.close(() => done()));
    },
  };
}
