// Events are numbered so a window that missed some resyncs instead of polling.
import { expect, it } from 'vitest';
import type { EngineEvent } from '../../app/api.ts';
import { EventPump } from '../../app/engine/event-pump.ts';
import { createGapDetector } from '../../renderer/bridge/event-sequence.ts';

it('EventPump numbers each published event one up from the last', () => {
  const pump = new EventPump(() => [], 10);
  const seen: EngineEvent[] = [];
  pump.subscribe((e) => seen.push(e));
  pump.emit({ type: 'changed', at: 1, fileIds: [1] });
  pump.emit({ type: 'connection', at: 2, connection: { state: 'ok', advice: null, since: 2 } });
  expect(seen.map((e) => e.seq)).toEqual([1, 2]);
  pump.dispose();
});

it('the gap detector asks for a snapshot only when a number is skipped or starts over', () => {
  const missed = createGapDetector();
  expect([1, 2, 3].map(missed)).toEqual([false, false, false]);
  expect(missed(5)).toBe(true); // 4 was dropped
  expect(missed(6)).toBe(false);
  expect(missed(1)).toBe(true); // the engine restarted
});
