import { describe, expect, it } from 'vitest';
import { Throttle } from '../../app/transfer/throttle.ts';

describe('throttle', () => {
  it('is free when unlimited', async () => {
    const t = new Throttle(0);
    const start = performance.now();
    for (let i = 0; i < 1000; i++) await t.take(1024 * 1024);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('holds the average rate across concurrent takers', async () => {
    const rate = 4 * 1024 * 1024;
    const t = new Throttle(rate);
    const start = performance.now();
    const chunk = 256 * 1024;
    // 3 "transfers" share the limit: 6 MiB at 4 MiB/s is ~1.5 s minus the initial burst.
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let i = 0; i < 8; i++) await t.take(chunk);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const sent = 3 * 8 * chunk;
    expect(sent / seconds).toBeLessThan(rate * 1.25);
    expect(sent / seconds).toBeGreaterThan(rate * 0.5);
  });

  it('lets a waiting taker be aborted without blocking the others', async () => {
    const t = new Throttle(64 * 1024);
    await t.take(64 * 1024); // drain the bucket
    const abort = new AbortController();
    const blocked = t.take(1024 * 1024, abort.signal);
    abort.abort(new Error('paused'));
    await expect(blocked).rejects.toThrow('paused');
    await t.take(1024); // still served
  });
});
