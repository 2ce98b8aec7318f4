// Vitest global setup: one S3 server for the whole run. Uses DU_TEST_S3_ENDPOINT
// (+ _ACCESS_KEY/_SECRET_KEY) when given, else starts radosgw if it is installed,
// else tells the S3 tests why they skip.
import type { TestProject } from 'vitest/node';
import { radosgwMissing, startRadosgw, type RunningRadosgw, type S3Availability } from './radosgw.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3Availability;
  }
}

let running: RunningRadosgw | undefined;

export async function setup(project: TestProject): Promise<void> {
  const endpoint = process.env.DU_TEST_S3_ENDPOINT;
  if (endpoint) {
    project.provide('s3', {
      ok: true,
      target: {
        endpoint,
        accessKeyId: process.env.DU_TEST_S3_ACCESS_KEY ?? 'SANDBOXKEY',
        secretAccessKey: process.env.DU_TEST_S3_SECRET_KEY ?? 'SANDBOXSECRET',
        region: 'us-east-1',
      },
    });
    return;
  }
  const missing = radosgwMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`CI must provide radosgw: ${missing}`);
    project.provide('s3', { ok: false, reason: missing });
    return;
  }
  running = await startRadosgw();
  project.provide('s3', { ok: true, target: running.target });
}

export async function teardown(): Promise<void> {
  running?.stop();
}
