// One soak run's world: radosgw behind a TCP fault proxy for storage, the
// sandbox (BioT) behind another for the API, folders, a config file, and the
// census of what BioT ended up holding.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../app/sandbox/index.ts';
import { startFaultProxy, type FaultPlan, type FaultProxy } from '../support/fault-proxy.ts';
import type { SoakContext } from './types.ts';

export interface SoakWorld {
  root: string;
  dataDir: string;
  sandbox: Sandbox;
  /** In front of S3: the links the engine gets point here. */
  storageProxy: FaultProxy;
  /** In front of the sandbox's API: the engine's BioT base URL. */
  apiProxy: FaultProxy;
  biot: BiotClient;
  folder(name: string): string;
  /** Writes config.json (folders: id -> options) and returns its path. */
  writeConfig(folders: Record<string, Record<string, unknown>>, transfer?: Record<string, unknown>, extra?: { password?: string }): string;
  dispose(): Promise<void>;
}

let seq = 0;

export async function createSoakWorld(
  ctx: SoakContext,
  plans: { storage?: FaultPlan; api?: FaultPlan } = {},
  sandboxOptions: Partial<SandboxOptions> = {},
): Promise<SoakWorld> {
  const root = mkdtempSync(join(ctx.work, `world-${seq++}-`));
  const storageProxy = await startFaultProxy(ctx.s3.endpoint, plans.storage);
  const bucket = `soak-${process.pid}-${Date.now().toString(36)}-${seq}`;
  // proxyStorage routes links through the sandbox's own HTTP proxy (for its storage log) instead of the TCP one.
  const linkEndpoint = sandboxOptions.proxyStorage ? undefined : storageProxy.url;
  const sandbox = await startSandbox({
    dataDir: join(root, 'sandbox'),
    s3: { ...ctx.s3, bucket, ...(linkEndpoint && { linkEndpoint }) },
    ...sandboxOptions,
  });
  const apiProxy = await startFaultProxy(sandbox.url, plans.api);
  // The census reads BioT directly, around the fault proxies.
  const biot = createBiotClient({ baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } });
  const dataDir = join(root, 'data');
  return {
    root,
    dataDir,
    sandbox,
    storageProxy,
    apiProxy,
    biot,
    folder(name) {
      const path = join(root, name);
      mkdirSync(path, { recursive: true });
      return path;
    },
    writeConfig(folders, transfer = {}, extra = {}) {
      const file = join(root, 'config.json');
      const config = {
        dataDir,
        server: {
          baseUrl: apiProxy.url,
          auth: { type: 'user', username: sandbox.credentials.user.username, password: extra.password ?? sandbox.credentials.user.password },
        },
        folders: Object.entries(folders).map(([id, options]) => ({ id, quietSeconds: 0, ...options })),
        transfer: { partSizeMiB: 5, parallelParts: 4, parallelFiles: 2, stallSeconds: 5, requestTimeoutSeconds: 10, ...transfer },
      };
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    },
    async dispose() {
      await biot.close();
      await apiProxy.close();
      await sandbox.close();
      await storageProxy.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Census {
  /** BioT files whose upload completed. */
  completed: number;
  /** SHA-256 of each completed file's bytes, by BioT file id. */
  contentOf: Map<string, string>;
  /** Contents held by more than one completed BioT file, and how many extra copies. */
  duplicateCopies: number;
  /** BioT files created, never cancelled, that hold no bytes (BioT drops them; each is a wasted create). */
  orphanIds: string[];
}

/** Downloads every BioT file that holds bytes and hashes what arrived. */
export async function takeCensus(world: SoakWorld): Promise<Census> {
  // The links point through the storage fault proxy: the faults end before BioT is counted.
  world.storageProxy.setPlan({});
  world.apiProxy.setPlan({});
  const contentOf = new Map<string, string>();
  const orphanIds: string[] = [];
  for (const file of world.sandbox.files()) {
    if (file.status === 'cancelled') continue;
    // A single upload is complete once its PUT landed; the download link says so (404 until then).
    const link = await world.biot.files.downloadLink(file.id).catch((error: { status?: number }) => {
      if (error.status === 404) return undefined;
      throw error;
    });
    if (!link) {
      orphanIds.push(file.id);
      continue;
    }
    const answer = await request(link.signedUrl);
    if (answer.statusCode !== 200) throw new Error(`download of BioT file ${file.id} answered ${answer.statusCode}`);
    const hash = createHash('sha256');
    for await (const chunk of answer.body) hash.update(chunk as Buffer);
    contentOf.set(file.id, hash.digest('hex'));
  }
  const seen = new Map<string, number>();
  for (const sha of contentOf.values()) seen.set(sha, (seen.get(sha) ?? 0) + 1);
  let duplicateCopies = 0;
  for (const n of seen.values()) duplicateCopies += n - 1;
  return { completed: contentOf.size, contentOf, duplicateCopies, orphanIds };
}
