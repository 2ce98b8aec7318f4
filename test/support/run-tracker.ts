// Watches the scheduler's transfer-start / transfer-end log events and records
// every moment a file had two runs at once (issue 9: one file, one run).
import type { Logger } from '../../app/common/logger.ts';

export interface RunTracker {
  logger: Logger;
  /** Run starts per file id. */
  starts: Map<number, number>;
  /** Descriptions of each overlap seen ("file 3: a second run started while one was running"). */
  overlaps: string[];
  /** File ids with a run now. */
  running(): number[];
}

export function trackRuns(inner?: Logger): RunTracker {
  const live = new Map<number, number>();
  const starts = new Map<number, number>();
  const overlaps: string[] = [];
  return {
    starts,
    overlaps,
    running: () => [...live.entries()].filter(([, n]) => n > 0).map(([id]) => id),
    logger: {
      log(level, event, facts = {}) {
        inner?.log(level, event, facts);
        const id = facts.fileId;
        if (typeof id !== 'number') return;
        if (event === 'transfer-start') {
          const now = (live.get(id) ?? 0) + 1;
          live.set(id, now);
          starts.set(id, (starts.get(id) ?? 0) + 1);
          if (now > 1) overlaps.push(`file ${id}: run ${starts.get(id)} started while ${now - 1} other run(s) were live`);
        } else if (event === 'transfer-end') {
          live.set(id, (live.get(id) ?? 0) - 1);
        }
      },
    },
  };
}
