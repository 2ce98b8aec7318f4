// The engine host's messages: app/api.ts calls carried as plain, structured-
// clonable objects over whatever port joins the two processes (Electron's
// utilityProcess parentPort, or a Node child's IPC channel with
// serialization 'advanced'). The payloads are checked on arrival with the
// same schemas the control server uses (app/api-schemas.ts).
import type { ApiErrorCode, EngineEvent } from '../api.ts';

/** Why the engine did not start: each needs a different answer from a person. */
export type StartFailure = 'bad-config' | 'locked-data-folder' | 'newer-database' | 'damaged-database' | 'other';

export interface StartRequest {
  kind: 'start';
  configFile: string;
  /** The BioT password or service secret (and the proxy password) when kept outside the file (the desktop app's safeStorage). */
  secrets?: { password?: string; secretKey?: string; proxyPassword?: string };
  /**
   * The desktop app: network.proxy defaults to "system", answered per host by
   * the parent (`resolve-proxy`, Chromium's session.resolveProxy).
   */
  systemProxy?: boolean;
  /**
   * First run with no config anywhere: the demo of `npm start` (a local BioT
   * sandbox in this process and an inbox folder); configFile is then the
   * demo's own file in the data folder, rewritten with the sandbox's address.
   */
  demo?: boolean;
  /** false: upload what the queue holds without watching folders (tests). Default true. */
  watch?: boolean;
}

export type ToEngine =
  | StartRequest
  | { kind: 'call'; id: number; method: string; arg: unknown }
  | { kind: 'shutdown' }
  /** The answer to a resolve-proxy: Chromium's PAC-style string ("PROXY host:port; DIRECT"), or null when it failed. */
  | { kind: 'proxy-answer'; id: number; answer: string | null }
  /** The PC's network changed (or it woke): ask for proxies again. */
  | { kind: 'network-changed' };

export type FromEngine =
  | { kind: 'ready'; pid: number }
  | { kind: 'failed'; reason: StartFailure; message: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'answer'; id: number; ok: true; result: unknown }
  | { kind: 'answer'; id: number; ok: false; code: ApiErrorCode; message: string }
  | { kind: 'event'; event: EngineEvent }
  /** Which proxy for this URL (an origin and "/"): the parent answers with proxy-answer. */
  | { kind: 'resolve-proxy'; id: number; url: string }
  | { kind: 'stopped' };

/** The child's end: Electron's `process.parentPort`, or the shim over a Node child's IPC channel. */
export interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: FromEngine): void;
}

/** The parent's handle on an engine process, whatever started it (fork, utilityProcess). */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  /** Called once when the process has gone (code null when killed by a signal). */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

/** Whether a value received on a port looks like one of ToEngine (shape only; calls are checked by parseCall). */
export function isToEngine(value: unknown): value is ToEngine {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.kind) {
    case 'start':
      return typeof m.configFile === 'string';
    case 'call':
      return Number.isSafeInteger(m.id) && typeof m.method === 'string';
    case 'shutdown':
    case 'network-changed':
      return true;
    case 'proxy-answer':
      return Number.isSafeInteger(m.id) && (typeof m.answer === 'string' || m.answer === null);
    default:
      return false;
  }
}
