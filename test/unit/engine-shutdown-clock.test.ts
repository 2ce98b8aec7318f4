// Closing the engine is bounded by a deadline. A PC clock stepped back while it
// closes (an NTP correction, a person fixing the time) must not stretch that
// deadline by the step: a login that never answers would hold the quit for an hour.
import { afterEach, expect, it, vi } from 'vitest';
import type { ShutdownParts } from '../../app/engine/shutdown.ts';
import { shutDown } from '../../app/engine/shutdown.ts';
import { settlesWithin } from '../../app/engine/deadline.ts';

afterEach(() => vi.restoreAllMocks());

const never = () => new Promise<void>(() => {});
const done = { dispose: () => {}, [Symbol.dispose]: () => {} };

it('ends by its deadline when the PC clock is set back an hour while it closes', async () => {
  const log: string[] = [];
  const parts = {
    health: done,
    limits: done,
    holds: done,
    folderMonitor: done,
    events: done,
    // The clock steps back as the transfers are being stopped.
    scheduler: {
      shutdown: async (ms: number) => {
        const real = Date.now.bind(Date);
        vi.spyOn(Date, 'now').mockImplementation(() => real() - 3_600_000);
        await settlesWithin(never(), ms);
        return 1;
      },
    },
    watching: { close: never },
    biot: { close: never, destroy: async () => void log.push('biot destroyed') },
    storage: { close: never, destroy: async () => void log.push('storage destroyed') },
    log: { log: (_level: string, event: string) => void log.push(event) },
    store: { close: () => void log.push('store closed'), whenDurable: async () => {} },
    lock: { release: () => void log.push('lock released') },
  } as unknown as ShutdownParts;
  await shutDown(parts, 300);
  expect(log).toEqual(['biot destroyed', 'storage destroyed', 'close-deadline', 'store closed', 'lock released']);
}, 10_000);
