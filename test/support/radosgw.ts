// Starts a throwaway radosgw (Debian's Ceph S3 gateway) for the test run, on
// free loopback ports, with the project's own scripts in ./radosgw/ (start.sh,
// stop.sh). A watchdog stops the daemons if the test process dies, so nothing
// outlives the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface S3Target {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export type S3Availability = { ok: true; target: S3Target } | { ok: false; reason: string };

const scriptDir = join(import.meta.dirname, 'radosgw');
const startScript = join(scriptDir, 'start.sh');
const stopScript = join(scriptDir, 'stop.sh');

/** A port the OS considers free right now (closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Explains why radosgw cannot be started here, or undefined when it can. */
export function radosgwMissing(): string | undefined {
  if (!existsSync(startScript)) return `radosgw start script not found at ${startScript}`;
  const probe = spawnSync('sh', ['-c', 'command -v radosgw && command -v ceph-mon && command -v ceph-osd && command -v curl'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'radosgw is not installed (apt-get install radosgw ceph-mon ceph-osd ceph-common curl)';
  return undefined;
}

export interface RunningRadosgw {
  target: S3Target;
  /** The cluster's data dir: `radosgw-admin -c <cephDir>/ceph.conf ...` (benchmarks run gc between big uploads). */
  cephDir: string;
  stop(): void;
}

/** Starts radosgw with its own data dir and ports; throws with the script's output on failure. */
export async function startRadosgw(options: { memstoreBytes?: number } = {}): Promise<RunningRadosgw> {
  const cephDir = mkdtempSync(join(tmpdir(), 'du-radosgw-'));
  const env = {
    ...process.env,
    CEPH_DIR: cephDir,
    RGW_PORT: String(await freePort()),
    MON_PORT: String(await freePort()),
    MON_PORT_V1: String(await freePort()),
    MEMSTORE_BYTES: String(options.memstoreBytes ?? 8 * 1024 ** 3),
    RGW_ACCESS_KEY: 'DUTESTKEY',
    RGW_SECRET_KEY: 'DUTESTSECRET',
  };
  const started = spawnSync('bash', [startScript], { env, encoding: 'utf8', timeout: 120_000 });
  if (started.status !== 0) {
    spawnSync('bash', [stopScript], { env });
    throw new Error(`radosgw did not start (exit ${started.status}):\n${started.stdout}\n${started.stderr}`);
  }
  // Watchdog: if this process disappears without calling stop(), stop the daemons anyway.
  const watchdog = join(cephDir, 'watchdog.sh');
  writeFileSync(watchdog, `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done\nbash '${stopScript}'\nrm -rf '${cephDir}'\n`);
  const dog = spawn('bash', [watchdog], { env, detached: true, stdio: 'ignore' });
  dog.unref();
  return {
    target: {
      endpoint: `http://127.0.0.1:${env.RGW_PORT}`,
      accessKeyId: env.RGW_ACCESS_KEY,
      secretAccessKey: env.RGW_SECRET_KEY,
      region: 'us-east-1',
    },
    cephDir,
    stop() {
      spawnSync('bash', [stopScript], { env });
      if (dog.pid) {
        try {
          process.kill(-dog.pid);
        } catch {
          /* already gone */
        }
      }
      spawnSync('rm', ['-rf', cephDir]);
    },
  };
}
