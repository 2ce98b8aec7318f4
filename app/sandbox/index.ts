// The sandbox's programmatic API: a local BioT-compatible service (ums login,
// the file API, entity attach) over a real S3 endpoint or an embedded disk
// store, with knobs and fault injection for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxContext, SandboxCredentials } from './context.ts';
import { DiskStore } from './disk-store.ts';
import { serveDiskStorage } from './disk-storage-http.ts';
import { entityRoutes, registerEntity } from './entity-routes.ts';
import { FaultBook, type FaultRule, type OperationName } from './faults.ts';
import { fileRoutes } from './file-routes.ts';
import type { ObjectStore } from './object-store.ts';
import { dispatch, type Dispatcher } from './server.ts';
import { proxiedUrl, proxyToS3 } from './s3-proxy.ts';
import type { S3Options } from './s3-store.ts';
import { SandboxState, type EntityKind, type FileRecord } from './state.ts';
import { StorageLog, type StorageLogEntry } from './storage-log.ts';
import { umsRoutes } from './ums-routes.ts';

export type { FaultRule, OperationName } from './faults.ts';
export type { SandboxCredentials } from './context.ts';
export type { EntityKind, FileRecord } from './state.ts';
export type { StorageLogEntry, StorageOperation } from './storage-log.ts';

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where state (and the disk store's objects) persist; a temp dir, removed on close, when absent. */
  dataDir?: string;
  linkTtlSeconds?: number;
  tokenTtlSeconds?: number;
  /** Refresh token lifetime (default 24 h). */
  refreshTokenTtlSeconds?: number;
  /** A real S3-compatible endpoint; without it the embedded disk store is used. */
  s3?: S3Options;
  /** Route S3 links through the sandbox (/_s3/) so storage faults and counters apply. */
  proxyStorage?: boolean;
  /** PATCH to an entity not registered (registerEntity) or created earlier answers 404 like BioT, instead of creating it. */
  strictEntities?: boolean;
  credentials?: { user?: Partial<SandboxCredentials['user']>; service?: Partial<SandboxCredentials['service']> };
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate and key (PEM), as a real BioT is (see private-ca.ts); storage links follow. */
  tls?: { cert: string; key: string };
  /** The CA file a client must trust (set by `sandbox --https`, printed; the sandbox itself does not read it). */
  caFile?: string;
  /** `sandbox --https` without --data: the CA's temp folder, removed when the command stops. */
  tlsTempDir?: string;
  /** The host name in the sandbox's URL and links (it still listens on 127.0.0.1 only); default 127.0.0.1. */
  hostName?: string;
}

export type PrincipalKind = 'user' | 'service';

export interface Sandbox {
  url: string;
  credentials: SandboxCredentials;
  /** Which store holds the bytes. */
  storeKind: 's3' | 'disk';
  dataDir: string;
  faults: { add(rule: FaultRule): void; clear(): void };
  setLinkTtl(seconds: number): void;
  setTokenTtl(seconds: number): void;
  /**
   * Locks a principal: until unlock(), or for `forSeconds` (then a user's
   * login answers 401 USER_LOCKED_WITH_TIME with details.timeLeftInMinutes,
   * and the lock lifts by itself).
   */
  lock(kind: PrincipalKind, forSeconds?: number): void;
  unlock(kind: PrincipalKind): void;
  calls(op: OperationName): number;
  /** When each call to `op` arrived (epoch ms), oldest first (the last 10,000). */
  callTimes(op: OperationName): number[];
  /**
   * Storage forgets a multipart upload while BioT still thinks it open, as a
   * bucket lifecycle rule (AbortIncompleteMultipartUpload) does: its part PUTs
   * then answer 404 NoSuchUpload. `biotFileId` names the upload.
   */
  forgetStorageUpload(biotFileId: string): Promise<void>;
  /**
   * Every storage request seen (disk store; S3 only with proxyStorage), oldest
   * first, each written once answered: status 0 = dropped / no answer.
   */
  storageLog(): ReadonlyArray<StorageLogEntry>;
  /** Storage requests still open: once 0, every exchange so far is in storageLog() (a killed client's too). */
  storageOpen(): number;
  /** Makes an entity exist (idempotent); patient and generic ids must be UUIDs. */
  registerEntity(kind: EntityKind, id: string): void;
  /** Every BioT file record, for tests that count what BioT holds (duplicates, orphans). */
  files(): ReadonlyArray<Readonly<FileRecord>>;
  close(): Promise<void>;
}

export const defaultCredentials: SandboxCredentials = {
  user: { username: 'clinic@sandbox.local', password: 'sandbox-password' },
  service: { id: '5a9d0b3e-7c1f-4e2a-9b6d-3f8e2c1a0d47', secretKey: 'sandbox-service-secret' },
};
const sandboxUserId = '0f6b7c2e-1d3a-4b5c-8e9f-a1b2c3d4e5f6';
const sandboxOrganizationId = '7e1d2c3b-4a5f-4e6d-9c8b-0a1f2e3d4c5b';

function checkTtl(name: string, seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${name} must be a positive number of seconds`);
  return seconds;
}

/** Starts a sandbox on 127.0.0.1 and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'du-sandbox-'));
  const log = options.log ?? (() => {});
  const state = new SandboxState(dataDir);
  const faults = new FaultBook();
  const storageLog = new StorageLog(state);
  const disk = options.s3 ? undefined : new DiskStore(dataDir, state.doc.secret);
  // Imported only for an S3 endpoint: the AWS SDK costs tens of MiB of heap in
  // every process that merely can start a sandbox (the CLI, the engine host).
  const store: ObjectStore = options.s3 ? new (await import('./s3-store.ts')).S3Store(options.s3) : (disk as DiskStore);
  await store.init();
  const credentials: SandboxCredentials = {
    user: { ...defaultCredentials.user, ...options.credentials?.user },
    service: { ...defaultCredentials.service, ...options.credentials?.service },
  };
  let url = '';
  const s3Endpoint = options.s3?.endpoint;
  const proxy = Boolean(options.proxyStorage && s3Endpoint);
  const ctx: SandboxContext = {
    state,
    store,
    credentials,
    log,
    userId: sandboxUserId,
    organizationId: sandboxOrganizationId,
    settings: {
      linkTtlSeconds: checkTtl('linkTtlSeconds', options.linkTtlSeconds ?? 3600),
      tokenTtlSeconds: checkTtl('tokenTtlSeconds', options.tokenTtlSeconds ?? 3600),
      refreshTtlSeconds: checkTtl('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds ?? 86400),
      lockedUntil: { user: 0, service: 0 },
      strictEntities: options.strictEntities ?? false,
    },
    publicLink: (link) => (proxy && s3Endpoint ? proxiedUrl(link, s3Endpoint, url) : link),
  };
  const dispatcher: Dispatcher = {
    routes: [...umsRoutes, ...fileRoutes, ...entityRoutes],
    faults,
    ctx,
    storage(req, res) {
      const path = req.url ?? '';
      if (disk && path.startsWith('/_storage/')) return serveDiskStorage(disk, state.doc.secret, faults, storageLog, req, res);
      if (proxy && s3Endpoint && path.startsWith('/_s3/')) return proxyToS3(s3Endpoint, faults, storageLog, req, res);
      return undefined;
    },
  };
  const handle = (req: Parameters<typeof dispatch>[1], res: Parameters<typeof dispatch>[2]) => void dispatch(dispatcher, req, res);
  const server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handle) : createServer(handle);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  url = `${options.tls ? 'https' : 'http'}://${options.hostName ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  disk?.setBaseUrl(url);
  log(`sandbox listening store=${store.kind} proxy=${proxy}`);

  let closed: Promise<void> | undefined;
  return {
    url,
    credentials,
    storeKind: store.kind,
    dataDir,
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    setLinkTtl: (seconds) => void (ctx.settings.linkTtlSeconds = checkTtl('link TTL', seconds)),
    setTokenTtl: (seconds) => void (ctx.settings.tokenTtlSeconds = checkTtl('token TTL', seconds)),
    lock: (kind, forSeconds) => {
      ctx.settings.lockedUntil[kind] = forSeconds === undefined ? Infinity : Date.now() + checkTtl('lock duration', forSeconds) * 1000;
    },
    unlock: (kind) => void (ctx.settings.lockedUntil[kind] = 0),
    calls: (op) => faults.calls(op),
    callTimes: (op) => faults.times(op),
    async forgetStorageUpload(biotFileId) {
      const file = state.file(biotFileId);
      if (!file?.uploadId) throw new Error('no multipart upload with that BioT file id');
      await store.abort(file.key, file.uploadId);
    },
    storageLog: () => storageLog.entries(),
    storageOpen: () => storageLog.open,
    registerEntity: (kind, id) => registerEntity(ctx, kind, id),
    files: () => Object.values(state.doc.files),
    close() {
      closed ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          // Stalled transfers and keep-alive sockets would hold close() forever.
          server.closeAllConnections();
        });
        state.close();
        store.close();
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
