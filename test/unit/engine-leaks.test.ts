// A tray app runs for weeks: nothing may grow with time when nobody looks.
import { getEventListeners } from 'node:events';
import { expect, it } from 'vitest';
import type { EngineEvent } from '../../app/api.ts';
import { EventPump } from '../../app/engine/event-pump.ts';
import { untilDoneOrAborted } from '../../app/engine/scheduler.ts';
import { SpeedMeter } from '../../app/engine/speed-meter.ts';
import { until } from '../support/wait.ts';

it('EventPump keeps no changes while nobody listens', async () => {
  const built: number[][] = [];
  const pump = new EventPump((ids) => {
    built.push(ids);
    return [] as EngineEvent[];
  }, 10);
  for (let id = 1; id <= 1000; id++) pump.touch(id);
  pump.subscribe(() => {});
  pump.touch(5000);
  await until('the pump to publish', () => built.length > 0, { timeoutMs: 2_000, everyMs: 5 });
  expect(built).toEqual([[5000]]);
  pump.dispose();
});

it('SpeedMeter drops old buckets as bytes arrive, even if nobody asks for the rate', () => {
  let now = 0;
  const meter = new SpeedMeter(() => now);
  for (let i = 0; i < 10_000; i++) {
    meter.add(1000);
    now += 250;
  }
  expect(meter.bucketCount).toBeLessThanOrEqual(22);
  expect(meter.rate()).toBeCloseTo(4000, -2);
});

it('waiting for a twin leaves no abort listener behind', async () => {
  const controller = new AbortController();
  for (let i = 0; i < 50; i++) await untilDoneOrAborted(Promise.resolve(), controller.signal);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  const waiting = untilDoneOrAborted(new Promise(() => {}), controller.signal);
  controller.abort();
  await waiting; // an abort ends the wait
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});
