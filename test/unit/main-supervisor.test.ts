// The engine supervisor's policy: restart with a growing delay, tell the
// person once after repeated failures, start the count over after a healthy
// run, and stop for good on Quit. The engine clients are fakes driven by the
// test (a real child-process crash and restart is in
// test/integration/engine-supervisor.test.ts); timers are injected so the
// delays are checked as numbers, not waited for.
import { expect, it } from 'vitest';
import type { EngineClient, EngineLifecycle } from '../../app/host/engine-client.ts';
import { EngineStartError } from '../../app/host/engine-client.ts';
import { EngineSupervisor } from '../../main/engine-supervisor.ts';

interface FakeClient {
  client: EngineClient;
  ready(): void;
  fail(reason: 'bad-config'): void;
  crash(): void;
  stopped: boolean;
}

function harness() {
  const clients: FakeClient[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let now = 0;
  const told: [number, string][] = [];
  const up: number[] = [];
  const logged: [string, Record<string, string | number> | undefined][] = [];
  const spawn = () => {
    const lifecycle = new Set<(e: EngineLifecycle) => void>();
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    const fake: FakeClient = {
      stopped: false,
      ready: () => settle.resolve(),
      fail: (reason) => settle.reject(new EngineStartError(reason, 'bad')),
      crash: () => lifecycle.forEach((l) => l({ state: 'exited', code: 1, expected: false })),
      client: {
        onLifecycle: (l: (e: EngineLifecycle) => void) => (lifecycle.add(l), () => lifecycle.delete(l)),
        start: () => new Promise<void>((resolve, reject) => (settle = { resolve, reject })),
        stop: async () => void (fake.stopped = true),
      } as unknown as EngineClient,
    };
    clients.push(fake);
    return fake.client;
  };
  const supervisor = new EngineSupervisor({
    spawn,
    request: async () => ({ configFile: 'c.json' }),
    onUp: () => up.push(clients.length),
    onDown: () => {},
    onRepeatedFailure: (n, reason) => told.push([n, reason]),
    log: (event, facts) => void logged.push([event, facts]),
    now: () => now,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { supervisor, clients, timers, told, up, logged, flush, advance: (ms: number) => (now += ms) };
}

it('restarts a failing engine after 1, 2, 4, 8... seconds, capped at a minute, and tells the person once at the third failure', async () => {
  const h = harness();
  h.supervisor.start();
  for (let i = 0; i < 9; i++) {
    await h.flush();
    h.clients.at(-1)!.fail('bad-config');
    await h.flush();
    h.timers.at(-1)!.fn();
  }
  expect(h.timers.map((t) => t.ms)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  expect(h.told).toEqual([[3, 'bad-config']]);
  expect(h.clients).toHaveLength(10);
});

it('restarts an engine that crashed after it was up, and starts the count over after a healthy run', async () => {
  const h = harness();
  h.supervisor.start();
  await h.flush();
  h.clients[0]!.ready();
  await h.flush();
  expect(h.up).toEqual([1]);
  h.advance(5_000);
  h.clients[0]!.crash();
  expect(h.timers.map((t) => t.ms)).toEqual([1_000]);
  h.timers[0]!.fn();
  await h.flush();
  h.clients[1]!.ready();
  await h.flush();
  h.advance(10_000);
  h.clients[1]!.crash();
  expect(h.timers.at(-1)!.ms).toBe(2_000); // second failure in a row
  h.timers.at(-1)!.fn();
  await h.flush();
  h.clients[2]!.ready();
  await h.flush();
  h.advance(120_000); // a healthy run
  h.clients[2]!.crash();
  expect(h.timers.at(-1)!.ms).toBe(1_000);
  // The log says each start and each failure, why, and when the next start comes: codes and numbers only.
  expect(h.logged).toEqual([
    ['engine-up', { recentFailures: 0 }],
    ['engine-failed', { reason: 'crashed', failures: 1, retryInMs: 1_000 }],
    ['engine-up', { recentFailures: 1 }],
    ['engine-failed', { reason: 'crashed', failures: 2, retryInMs: 2_000 }],
    ['engine-up', { recentFailures: 2 }],
    ['engine-failed', { reason: 'crashed', failures: 1, retryInMs: 1_000 }],
  ]);
});

it('stop() stops the engine and schedules nothing more', async () => {
  const h = harness();
  h.supervisor.start();
  await h.flush();
  h.clients[0]!.ready();
  await h.flush();
  await h.supervisor.stop();
  expect(h.clients[0]!.stopped).toBe(true);
  h.clients[0]!.crash(); // its exit arrives after stop
  expect(h.timers).toEqual([]);
  expect(h.logged.map(([event]) => event)).toEqual(['engine-up']);
  h.supervisor.start();
  expect(h.clients).toHaveLength(1);
});
