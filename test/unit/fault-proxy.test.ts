// The soak suite's TCP fault proxy must really break what it says it breaks:
// a reset reaches the client as a reset, a flipped byte reaches the server, a
// lost answer is lost after the server acted, and each keep-alive request
// gets its own draw.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

describe('TCP fault proxy', () => {
  let server: Server;
  let upstream: string;
  /** SHA-256 of each body the server received, in order. */
  let received: string[];
  let proxy: FaultProxy | undefined;
  const agent = new Agent({ keepAliveTimeout: 10_000 });

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (d: Buffer) => hash.update(d));
      req.on('end', () => {
        received.push(hash.digest('hex'));
        res.end('stored');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await proxy?.close();
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  const put = (body: Buffer) => request(`${proxy!.url}/object`, { method: 'PUT', body, dispatcher: agent });

  it('forwards untouched with no faults planned, many requests on one connection', async () => {
    proxy = await startFaultProxy(upstream);
    const bodies = [randomBytes(100_000), randomBytes(3), randomBytes(1_000_000)];
    for (const body of bodies) expect(await (await put(body)).body.text()).toBe('stored');
    expect(received).toEqual(bodies.map((b) => createHash('sha256').update(b).digest('hex')));
    // Fewer connections than requests: at least one carried two, so framing across requests was exercised.
    expect(proxy.counts.connections).toBeLessThan(bodies.length);
  });

  it('flips exactly one byte of each body when asked to', async () => {
    proxy = await startFaultProxy(upstream, { flipRate: 1 });
    const body = randomBytes(200_000);
    await (await put(body)).body.text();
    await (await put(body)).body.text();
    const sent = createHash('sha256').update(body).digest('hex');
    expect(received).toHaveLength(2);
    expect(received.every((r) => r !== sent)).toBe(true);
    expect(proxy.counts.flips).toBe(2);
  });

  it('resets connections: before the server gets the request, or after it acted', async () => {
    proxy = await startFaultProxy(upstream, { resetRate: 1, seed: 3 });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      outcomes.push(
        await put(randomBytes(50_000)).then(
          () => 'answered',
          (e: Error & { code?: string }) => e.code ?? e.name,
        ),
      );
    }
    expect(outcomes).not.toContain('answered');
    const { resetsBeforeServer, resetsAfterServer } = proxy.counts;
    expect(resetsBeforeServer + resetsAfterServer).toBe(12);
    expect(resetsBeforeServer).toBeGreaterThan(0);
    expect(resetsAfterServer).toBeGreaterThan(0);
    // Every "after" reset is a request the server fully received and answered.
    expect(received.length).toBe(resetsAfterServer);
  });
});
