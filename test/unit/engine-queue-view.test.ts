import { describe, expect, it } from 'vitest';
import { queueRow } from '../../app/engine/queue-view.ts';
import { etaSeconds, SpeedMeter } from '../../app/engine/speed-meter.ts';
import type { FileRow } from '../../app/store/types.ts';

const row = (over: Partial<FileRow> = {}): FileRow =>
  ({
    id: 7,
    folderId: 'f',
    sourcePath: '/x/a.edf',
    relPath: 'a.edf',
    size: 100,
    mtimeMs: 1,
    sha256: null,
    state: 'uploading',
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    lastErrorCode: null,
    bytesDone: 40,
    createdAt: 0,
    updatedAt: 0,
    completedAt: null,
    biotFileId: null,
    duplicateOf: null,
    attachEntityType: null,
    attachEntityId: null,
    attachedAt: null,
    ...over,
  }) as FileRow;

describe('queue view', () => {
  it('shows live bytes (parts in flight included) without counting landed parts twice', () => {
    // 40 bytes had ETags in the database; the run has sent 55 in all (landed or in flight).
    const r = queueRow(row(), () => ({ speed: 10, bytesDone: 55 }));
    expect(r).toMatchObject({ bytesDone: 55, speed: 10, etaSeconds: 5 });
  });
  it('never shows more than the file, nor less than the database knows', () => {
    expect(queueRow(row(), () => ({ speed: 1, bytesDone: 500 })).bytesDone).toBe(100);
    expect(queueRow(row(), () => ({ speed: 1, bytesDone: 10 })).bytesDone).toBe(40);
    expect(queueRow(row({ state: 'queued' }), () => undefined)).toMatchObject({ bytesDone: 40, speed: 0, etaSeconds: null });
  });
});

describe('speed meter', () => {
  it('measures over a sliding window and forgets old bytes', () => {
    let now = 10_000;
    const meter = new SpeedMeter(() => now);
    for (let i = 0; i < 8; i++) {
      meter.add(1000);
      now += 250;
    }
    expect(meter.rate()).toBeGreaterThan(3500);
    expect(meter.rate()).toBeLessThan(4500);
    now += 10_000;
    expect(meter.rate()).toBe(0);
  });
  it('takes back failed attempts and never goes negative', () => {
    const meter = new SpeedMeter(() => 5_000);
    meter.add(1000);
    meter.add(-1000);
    expect(meter.rate()).toBe(0);
  });
  it('gives no ETA without speed', () => {
    expect(etaSeconds(100, 0)).toBeNull();
    expect(etaSeconds(0, 0)).toBe(0);
    expect(etaSeconds(100, 30)).toBe(4);
  });
});
