// A real world for engine tests: a sandbox over the run's S3 server (its own
// bucket), temp folders, a config, and helpers to make files and read back
// what BioT holds. Everything is on loopback and removed afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach } from 'vitest';
import type { Engine } from '../../app/engine/engine.ts';
import { createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import { parseConfig } from '../../app/config/load.ts';
import type { Config } from '../../app/config/schema.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../app/sandbox/index.ts';
import type { S3Target } from './radosgw.ts';

export interface World {
  root: string;
  inbox: string;
  sandbox: Sandbox;
  biot: BiotClient;
  config(overrides?: { transfer?: Record<string, unknown>; folders?: Record<string, unknown>[] }): Config;
  dispose(): Promise<void>;
}

let bucketSeq = 0;

/** Starts a sandbox on the S3 target (or the disk store when target is undefined) plus temp folders. */
export async function createWorld(target: S3Target | undefined, options: Partial<SandboxOptions> = {}): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'du-world-'));
  const inbox = join(root, 'inbox');
  mkdirSync(inbox);
  const bucket = `du-${process.pid}-${Date.now().toString(36)}-${bucketSeq++}`;
  const sandbox = await startSandbox({
    dataDir: join(root, 'sandbox'),
    ...(target && { s3: { ...target, bucket } }),
    ...options,
  });
  const biot = createBiotClient({ baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } });
  return {
    root,
    inbox,
    sandbox,
    biot,
    config(overrides = {}) {
      return parseConfig(
        {
          dataDir: join(root, 'data'),
          server: { baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } },
          folders: overrides.folders ?? [{ id: 'inbox', path: inbox, quietSeconds: 0 }],
          transfer: { partSizeMiB: 5, parallelParts: 4, parallelFiles: 2, ...overrides.transfer },
        },
        { baseDir: root },
      );
    },
    async dispose() {
      await biot.close();
      await sandbox.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A config whose inbox attaches each upload to the patient its first folder names (a UUID), in the FILE attribute `attribute`. */
export function patientAttachConfig(world: World, attribute: string, folder: Record<string, unknown> = {}): Config {
  const attach = { entity: 'patient', idPattern: '^(?<id>[0-9a-f-]{36})/', attribute };
  return world.config({ folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0, attach, ...folder }] });
}

/** What worldPerTest hands a test file: this test's world, and the engine the test may set (closed after it). */
export interface TestWorld {
  world: World;
  engine: Engine | undefined;
}

/** A fresh world before each test; after it, the test's engine closed and the world removed. */
export function worldPerTest(target: S3Target | undefined, options: Partial<SandboxOptions> = {}): TestWorld {
  const t = { engine: undefined } as TestWorld;
  beforeEach(async () => {
    t.world = await createWorld(target, options);
  });
  afterEach(async () => {
    await t.engine?.close();
    t.engine = undefined;
    await t.world.dispose();
  });
  return t;
}

/** Writes `size` random bytes to `path` in 1 MiB chunks; returns the SHA-256. */
export function writeRandomFile(path: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let left = size; left > 0;) {
      const chunk = randomBytes(Math.min(left, 1024 * 1024));
      hash.update(chunk);
      writeSync(fd, chunk);
      left -= chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Downloads a BioT file through its download link and returns the SHA-256 and size of what arrived. */
export async function downloadedSha256(biot: BiotClient, biotFileId: string): Promise<{ sha256: string; size: number }> {
  const link = await biot.files.downloadLink(biotFileId);
  const response = await request(link.signedUrl);
  if (response.statusCode !== 200) throw new Error(`download answered ${response.statusCode}`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
