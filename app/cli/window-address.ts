// start and serve keep their window's address (port, token, cookie name)
// across restarts, in the data folder, readable by this user only. So a tab
// left open while the uploader restarts (an update, a reboot, a service
// restart) reconnects by itself, and a second `start` on the same data folder
// can tell the person where the running one's window is. The token is as
// secret as the queue database beside it: both are this user's. It is reused
// only soon after the run that held it (REUSE_WINDOW_MS): on a shared PC,
// while the uploader is down, another user's program could take the port and
// collect the cookie an open tab keeps sending; a token is worth nothing to
// it once a later start made a new one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UploaderApi } from '../api.ts';
import { writeConfigFile } from '../config/save.ts';
import { startControlServer, type ControlOptions, type ControlServer } from '../control/server.ts';

export const ADDRESS_FILE = 'window-address.json';

/** How soon after the last run was known alive (it stopped, or its last heartbeat) its token may be used again. */
export const REUSE_WINDOW_MS = 10 * 60_000;
/** How often a running instance writes that it is alive (a crash leaves the time of its last heartbeat). */
export const HEARTBEAT_MS = 60_000;

export interface SavedAddress {
  port: number;
  token: string;
  cookie: string;
  /** When the instance serving it was last known alive (epoch ms): its heartbeat, or its clean stop. 0 when unknown. */
  aliveAt: number;
}

/** The address saved in `dataDir`, or undefined when there is none or it is not one we wrote. */
export function readSavedAddress(dataDir: string): SavedAddress | undefined {
  let raw: Partial<SavedAddress>;
  try {
    raw = JSON.parse(readFileSync(join(dataDir, ADDRESS_FILE), 'utf8')) as Partial<SavedAddress>;
  } catch {
    return undefined;
  }
  const { port, token, cookie, aliveAt } = raw;
  const good =
    Number.isInteger(port) &&
    port! > 0 &&
    port! < 65536 &&
    typeof token === 'string' &&
    /^[\w-]{43}$/.test(token) &&
    typeof cookie === 'string' &&
    /^du_token_[0-9a-f]{16}$/.test(cookie);
  return good ? { port: port!, token: token!, cookie: cookie!, aliveAt: Number.isFinite(aliveAt) ? aliveAt! : 0 } : undefined;
}

/** The window's address as a person opens it. */
export function addressUrl(a: SavedAddress): string {
  return `http://127.0.0.1:${a.port}/?token=${a.token}`;
}

export interface SavedAddressOptions extends Omit<ControlOptions, 'token' | 'cookie'> {
  /** The clock the address's life is measured by (tests). */
  now?: () => number;
  heartbeatMs?: number;
}

/**
 * Starts the control server on the address saved in `dataDir` (a port asked
 * for with `port` wins), and keeps the file up to date while it runs and when
 * it closes. A saved token is used again only within REUSE_WINDOW_MS of the
 * previous run; otherwise a new token and cookie name are made (on the same
 * port when it is free). A saved port another program took meanwhile gives
 * way to a free one, with a new token too: an open tab cannot follow to
 * another port anyway, and it may have sent its cookie to whatever listens
 * on the old one (browsers send 127.0.0.1 cookies to every port).
 */
export async function startOnSavedAddress(api: UploaderApi, dataDir: string, options: SavedAddressOptions = {}): Promise<ControlServer> {
  const { now = Date.now, heartbeatMs = HEARTBEAT_MS, ...control } = options;
  const found = readSavedAddress(dataDir);
  const saved = found && now() - found.aliveAt <= REUSE_WINDOW_MS ? found : undefined;
  const asked = control.port !== undefined && control.port > 0;
  const port = asked ? control.port : (found?.port ?? 0);
  let server: ControlServer;
  try {
    server = await startControlServer(api, { ...control, port, ...(saved && { token: saved.token, cookie: saved.cookie }) });
  } catch (error) {
    if (asked || !found || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    server = await startControlServer(api, { ...control, port: 0 });
  }
  const save = (): void => {
    try {
      writeConfigFile(join(dataDir, ADDRESS_FILE), { port: server.port, token: server.token, cookie: server.cookie, aliveAt: now() });
    } catch (error) {
      // A full or read-only data folder: the window works now; the next start may make a new address.
      control.onError?.('window-address.save', error);
    }
  };
  save();
  const heartbeat = setInterval(save, heartbeatMs);
  heartbeat.unref();
  return {
    ...server,
    async close() {
      clearInterval(heartbeat);
      await server.close();
      save(); // the end of this run: a restart soon after reuses the address
    },
  };
}
