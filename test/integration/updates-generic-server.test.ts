// Auto-update end to end under Node: electron-updater's real AppImageUpdater and
// GenericProvider read latest-linux.yml from a self-hosted folder (a loopback HTTP
// server), download the AppImage into the updater cache and check its sha512.
// Only the transport is swapped: Electron's `net` does not exist under Node, so
// NodeHttpExecutor (test/support) sends the same requests with node:http.
// Not covered here: Electron's `net` transport itself, the NSIS, dmg/zip and deb
// updaters, differential (blockmap) downloads, and relaunching after install.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppImageUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogFacts } from '../../app/common/logger.ts';
import type { SyncDisposable as Disposable } from '../../app/common/disposable.ts';
import { startUpdates, type Every } from '../../main/updates.ts';
import { NodeHttpExecutor } from '../support/node-http-executor.ts';

const CACHE_DIR_NAME = 'device-uploader-updater';
const NEW_FILE = 'Device-Uploader-0.2.0.AppImage';

let dir: string;
let server: Server;
let baseUrl: string;
let requests: string[];
let routes: Map<string, Buffer>;
const savedAppImage = process.env.APPIMAGE;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'du-updates-'));
  requests = [];
  routes = new Map();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = routes.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The AppImage updater replaces the file named by $APPIMAGE; it must exist.
  process.env.APPIMAGE = join(dir, 'Device-Uploader-0.1.0.AppImage');
  writeFileSync(process.env.APPIMAGE, randomBytes(1024));
});

afterEach(async () => {
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

/** Publishes version 0.2.0 under `folder`: the update file and a latest-linux.yml claiming `claimedSha512`. */
function publish(folder: string, file: Buffer, claimedSha512 = sha512(file), version = '0.2.0'): void {
  routes.set(`${folder}/${NEW_FILE}`, file);
  const yml = [
    `version: ${version}`,
    'files:',
    `  - url: ${NEW_FILE}`,
    `    sha512: ${claimedSha512}`,
    `    size: ${file.length}`,
    `path: ${NEW_FILE}`,
    `sha512: ${claimedSha512}`,
    "releaseDate: '2026-12-01T00:00:00.000Z'",
    '',
  ].join('\n');
  routes.set(`${folder}/latest-linux.yml`, Buffer.from(yml));
}

/** The "quit" of the app adapter below: electron-updater installs on it. */
let quitHandlers: ((exitCode: number) => void)[] = [];
const quitApp = (exitCode = 0) => quitHandlers.forEach((handler) => handler(exitCode));

/** A packaged app at 0.1.0 whose installer was built with `builtInUrl` (what electron-builder writes to app-update.yml). */
function installedUpdater(builtInUrl: string): AppImageUpdater {
  quitHandlers = [];
  const appUpdateConfigPath = join(dir, 'app-update.yml');
  writeFileSync(appUpdateConfigPath, `provider: generic\nurl: ${builtInUrl}\nupdaterCacheDirName: ${CACHE_DIR_NAME}\n`);
  const app: AppAdapter = {
    version: '0.1.0',
    name: 'device-uploader',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(dir, 'user-data'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch() {},
    quit() {},
    onQuit: (handler) => void quitHandlers.push(handler),
  };
  const updater = new AppImageUpdater(null, app);
  // httpExecutor is internal (no typings); with an AppAdapter given, electron-updater leaves it null.
  (updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor();
  updater.logger = null;
  return updater;
}

const pendingDir = () => join(dir, 'cache', CACHE_DIR_NAME, 'pending');
const manualEvery: Every = (): Disposable => ({ dispose() {} });

function recordingLogger() {
  const lines: { event: string; facts?: LogFacts }[] = [];
  return { lines, log: (_level: string, event: string, facts?: LogFacts) => void lines.push({ event, ...(facts ? { facts } : {}) }) };
}

describe('auto-update from a self-hosted generic server', () => {
  it('downloads a newer version whose sha512 matches latest-linux.yml, in the background, to install on quit', async () => {
    const file = randomBytes(300_000);
    publish('/updates', file);
    const updater = installedUpdater(`${baseUrl}/updates`);
    const downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    const logger = recordingLogger();

    const updates = startUpdates(updater, { enabled: true }, { logger, every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'downloaded', version: '0.2.0' });
    await downloaded;
    updates.dispose();

    expect(updater.autoInstallOnAppQuit).toBe(true);
    const kept = readdirSync(pendingDir()).filter((n) => n.endsWith('.AppImage'));
    expect(kept).toEqual([NEW_FILE]);
    expect(sha512(readFileSync(join(pendingDir(), NEW_FILE)))).toBe(sha512(file));
    expect(requests).toEqual(expect.arrayContaining(['/updates/latest-linux.yml', `/updates/${NEW_FILE}`]));
    // Log lines carry events, versions and codes; no URLs or cache paths.
    expect(JSON.stringify(logger.lines)).not.toMatch(/127\.0\.0\.1|\/updates|du-updates-/);
  });

  it('installs the downloaded version when the app quits: the AppImage is replaced', async () => {
    // The "new AppImage" is a script: on install electron-updater runs it once
    // with APPIMAGE_EXIT_AFTER_INSTALL=true, as the AppImage runtime expects.
    const marker = join(dir, 'installed-run');
    const file = Buffer.from(`#!/bin/sh\necho "$APPIMAGE_EXIT_AFTER_INSTALL" > '${marker}'\n`);
    publish('/updates', file);
    const updater = installedUpdater(`${baseUrl}/updates`);
    const updates = startUpdates(updater, { enabled: true }, { logger: recordingLogger(), every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'downloaded', version: '0.2.0' });
    updates.dispose();
    expect(existsSync(join(dir, NEW_FILE))).toBe(false); // nothing is installed while the app runs

    quitApp(0);

    expect(existsSync(process.env.APPIMAGE!)).toBe(false);
    expect(sha512(readFileSync(join(dir, NEW_FILE)))).toBe(sha512(file));
    expect(readFileSync(marker, 'utf8').trim()).toBe('true');
  });

  it('refuses a download whose sha512 differs from latest-linux.yml and keeps nothing', async () => {
    const file = randomBytes(300_000);
    publish('/updates', file, sha512(randomBytes(300_000)));
    const updater = installedUpdater(`${baseUrl}/updates`);
    let downloadedEvents = 0;
    updater.on('update-downloaded', () => void downloadedEvents++);

    const updates = startUpdates(updater, { enabled: true }, { logger: recordingLogger(), every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'failed', code: 'ERR_CHECKSUM_MISMATCH' });
    updates.dispose();

    expect(requests).toContain(`/updates/${NEW_FILE}`);
    expect(downloadedEvents).toBe(0);
    const left = existsSync(pendingDir()) ? readdirSync(pendingDir()) : [];
    expect(left.filter((n) => n.endsWith('.AppImage'))).toEqual([]);
  });

  it('asks the URL set in config instead of the one built into the installer', async () => {
    const file = randomBytes(50_000);
    publish('/clinic-mirror', file);
    const updater = installedUpdater(`${baseUrl}/built-in`);

    const updates = startUpdates(updater, { enabled: true, url: `${baseUrl}/clinic-mirror` }, { logger: recordingLogger(), every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'downloaded', version: '0.2.0' });
    updates.dispose();

    expect(requests.filter((p) => p.startsWith('/built-in'))).toEqual([]);
  });

  it('downloads nothing when the server holds the running version', async () => {
    publish('/updates', randomBytes(1000), undefined, '0.1.0');
    const updater = installedUpdater(`${baseUrl}/updates`);

    const updates = startUpdates(updater, { enabled: true }, { logger: recordingLogger(), every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'up-to-date', version: '0.1.0' });
    updates.dispose();

    expect(requests).toEqual(['/updates/latest-linux.yml']);
  });

  it('never contacts the server when updates are off (managed sites)', async () => {
    publish('/updates', randomBytes(1000));
    const updater = installedUpdater(`${baseUrl}/updates`);
    let checks = 0;
    const check = updater.checkForUpdates.bind(updater);
    updater.checkForUpdates = () => (checks++, check());

    const updates = startUpdates(updater, { enabled: false }, { logger: recordingLogger(), every: manualEvery });
    expect(await updates.checkNow()).toEqual({ kind: 'off' });
    updates.dispose();

    expect(checks).toBe(0);
    expect(requests).toEqual([]);
  });
});
