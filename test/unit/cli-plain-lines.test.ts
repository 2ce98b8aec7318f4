// What `run` prints when its output is not a terminal (a service log, a
// pipe): one line per state change, ids only, written once per progress
// event rather than once per row.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../app/api.ts';
import { showProgress } from '../../app/cli/live-view.ts';
import type { Engine } from '../../app/engine/engine.ts';

function harness() {
  let listener: ((event: EngineEvent) => void) | undefined;
  const engine = { onEvent: (l: (event: EngineEvent) => void) => ((listener = l), () => (listener = undefined)) } as unknown as Engine;
  const writes: string[] = [];
  const out = { isTTY: false, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  const stop = showProgress(engine, out);
  let seq = 0;
  const progress = (rows: [number, string][]) =>
    listener?.({
      type: 'progress',
      seq: seq++,
      at: Date.UTC(2026, 11, 5, 12),
      totals: {} as never,
      rows: rows.map(([id, state]) => ({ id, state, bytesDone: 0, speed: 0, etaSeconds: null })) as never,
    });
  return { writes, progress, stop };
}

describe('plain progress lines', () => {
  it('writes the state changes of one event in one write, and nothing for rows that did not change', () => {
    const { writes, progress, stop } = harness();
    progress([
      [1, 'uploading'],
      [2, 'uploading'],
    ]);
    progress([
      [1, 'uploading'],
      [2, 'done'],
    ]);
    progress([[1, 'uploading']]);
    expect(writes).toEqual([
      '2026-12-05T12:00:00.000Z file 1 uploading\n2026-12-05T12:00:00.000Z file 2 uploading\n',
      '2026-12-05T12:00:00.000Z file 2 done\n',
    ]);
    stop();
  });

  it('prints a done row once, though a move or delete of its source shows it again', () => {
    const { writes, progress } = harness();
    progress([[7, 'uploading']]);
    progress([[7, 'done']]);
    progress([[7, 'done']]);
    expect(writes.join('')).toBe(['uploading', 'done'].map((s) => `2026-12-05T12:00:00.000Z file 7 ${s}\n`).join(''));
  });
});
