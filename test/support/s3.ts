// What tests use to reach the run's S3 server, or to skip with the reason.
import { describe, inject } from 'vitest';
import type { S3Target } from './radosgw.ts';

/** The S3 server of this run, or undefined when there is none (see s3SkipReason). */
export function s3Target(): S3Target | undefined {
  const s3 = inject('s3');
  return s3.ok ? s3.target : undefined;
}

/** A describe block that needs a real S3 server; skipped with a one-line reason without one. */
export function describeWithS3(name: string, body: (target: S3Target) => void): void {
  const s3 = inject('s3');
  if (s3.ok) describe(name, () => body(s3.target));
  else describe.skip(`${name} [skipped: ${s3.reason}]`, () => body(undefined as never));
}
