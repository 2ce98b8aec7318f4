// The shape every uploader in the comparison shares.
import type { BenchContext } from '../context.ts';
import type { Measured } from '../measure.ts';

export interface UploadJob {
  file: string;
  size: number;
  partSize: number;
  concurrency: number;
  /** Object key (peers) or file name in the watched folder (Device Uploader). */
  key: string;
}

export interface PeerRun extends Measured {
  mibPerSec: number;
  /** Tool-specific extra figures (e.g. Device Uploader's hash and upload phases). */
  detail?: Record<string, number>;
}

export interface Peer {
  name: string;
  /** Why it cannot run here, or undefined when it can. */
  missing(): string | undefined;
  upload(ctx: BenchContext, job: UploadJob): Promise<PeerRun>;
}

export function rate(bytes: number, ms: number): number {
  return bytes / (1024 * 1024) / (ms / 1000);
}
