// A watched folder going missing (and coming back) is an event, so windows
// need not poll the engine to show the banner. Real folders; check() is
// called directly rather than waiting for the interval.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { FolderStatus } from '../../app/api.ts';
import { FolderMonitor } from '../../app/engine/folder-monitor.ts';

it('tells only when a folder changes state, not on every check', async () => {
  const root = mkdtempSync(join(tmpdir(), 'du-folders-'));
  const path = join(root, 'ecg');
  mkdirSync(path);
  const read = async (): Promise<FolderStatus[]> => [
    {
      id: 'ecg',
      path,
      state: await stat(path).then(
        () => 'ok' as const,
        () => 'missing' as const,
      ),
    },
  ];
  const told: string[] = [];
  const monitor = new FolderMonitor(read, (folders) => told.push(folders[0]!.state));
  try {
    await monitor.check();
    await monitor.check();
    expect(told).toEqual([]);
    rmSync(path, { recursive: true });
    await monitor.check();
    await monitor.check();
    mkdirSync(path);
    await monitor.check();
    expect(told).toEqual(['missing', 'ok']);
  } finally {
    monitor.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
