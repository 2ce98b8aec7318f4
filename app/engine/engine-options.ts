// What a host (CLI, control server, desktop host, tests, bench) can hand
// createEngine beside the config: its logger and clock, and test overrides.
import type { Logger } from '../common/logger.ts';
import type { NetHostOptions } from '../net/index.ts';
import type { BackoffOptions } from '../transfer/backoff.ts';
import type { TransferSettings } from '../transfer/file-transfer.ts';
import type { OpenCheck } from '../watch/index.ts';
import type { DataFolderLock } from './data-lock.ts';
import type { UploadLimitsDeps } from './upload-limits.ts';

export interface EngineOptions {
  logger?: Logger;
  now?: () => number;
  /** Overrides for tests and benchmarks (retry pacing, link windows). */
  transfer?: Partial<TransferSettings>;
  /** Replaces the watcher's open-for-reading check (tests simulate a locked file). */
  openCheck?: OpenCheck;
  /** The file Settings saves to (and the env its secrets may come from); without it Settings is read-only. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The data folder's lock, when the caller took it earlier (the demo, before it rewrites its config); the engine releases it on close. */
  dataLock?: DataFolderLock;
  /** Data folder probing (tests: a short interval, or a check that stands in for a full disk). */
  dataFolder?: { probeMs?: number; check?: (dir: string) => Promise<'full' | 'read-only' | undefined> };
  /** Waits between the engine's own tries of a login BioT refused (tests: short; default minutes). */
  signInRetry?: BackoffOptions;
  /** The host's part of network.proxy: the desktop app's system resolver and default ("system"); headless: "env". */
  network?: Omit<NetHostOptions, 'env'>;
  /** Tests: the timetable's and timed pauses' clock and zone. */
  limits?: Pick<UploadLimitsDeps, 'clock' | 'offsetAt'>;
}
