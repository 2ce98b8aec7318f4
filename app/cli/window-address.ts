// start and serve keep their window's address (port, token, cookie name)
// across restarts, in the data folder, readable by this user only. So a tab
// left open while the uploader restarts (an update, a reboot, a service
// restart) reconnects by itself, and a second `start` on the same data folder
// can tell the person where the running one's window is. The token is as
// secret as the queue database beside it: both are this user's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UploaderApi } from '../api.ts';
import { writeConfigFile } from '../config/save.ts';
import { startControlServer, type ControlOptions, type ControlServer } from '../control/server.ts';

export const ADDRESS_FILE = 'window-address.json';

export interface SavedAddress {
  port: number;
  token: string;
  cookie: string;
}

/** The address saved in `dataDir`, or undefined when there is none or it is not one we wrote. */
export function readSavedAddress(dataDir: string): SavedAddress | undefined {
  let raw: Partial<SavedAddress>;
  try {
    raw = JSON.parse(readFileSync(join(dataDir, ADDRESS_FILE), 'utf8')) as Partial<SavedAddress>;
  } catch {
    return undefined;
  }
  const { port, token, cookie } = raw;
  const good =
    Number.isInteger(port) &&
    port! > 0 &&
    port! < 65536 &&
    typeof token === 'string' &&
    /^[\w-]{43}$/.test(token) &&
    typeof cookie === 'string' &&
    /^du_token_[0-9a-f]{16}$/.test(cookie);
  return good ? { port: port!, token: token!, cookie: cookie! } : undefined;
}

/** The window's address as a person opens it. */
export function addressUrl(a: SavedAddress): string {
  return `http://127.0.0.1:${a.port}/?token=${a.token}`;
}

/**
 * Starts the control server on the address saved in `dataDir` (a port asked
 * for with `port` wins), and saves what it got. A saved port another program
 * took meanwhile gives way to a free one, with a new token too: an open tab
 * cannot follow to another port anyway, and it may have sent its cookie to
 * whatever listens on the old one (browsers send 127.0.0.1 cookies to every port).
 */
export async function startOnSavedAddress(
  api: UploaderApi,
  dataDir: string,
  options: Omit<ControlOptions, 'token' | 'cookie'> = {},
): Promise<ControlServer> {
  const saved = readSavedAddress(dataDir);
  const asked = options.port !== undefined && options.port > 0;
  const port = asked ? options.port : (saved?.port ?? 0);
  let server: ControlServer;
  try {
    server = await startControlServer(api, { ...options, port, ...(saved && { token: saved.token, cookie: saved.cookie }) });
  } catch (error) {
    if (asked || !saved || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    server = await startControlServer(api, { ...options, port: 0 });
  }
  if (!saved || saved.port !== server.port) {
    try {
      writeConfigFile(join(dataDir, ADDRESS_FILE), { port: server.port, token: server.token, cookie: server.cookie });
    } catch (error) {
      // A full or read-only data folder: the window works now; only the next restart gets a new address.
      options.onError?.('window-address.save', error);
    }
  }
  return server;
}
