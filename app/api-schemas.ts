// Every payload a UI sends is untrusted: each command's argument is parsed by
// a strict schema before it reaches the engine (ids are positive integers,
// states are known, strings are bounded). One table for every transport: the
// control server (HTTP), the engine host (child / utility process) and the
// desktop shell's IPC all call parseCall(). The schemas mirror app/api.ts;
// the checks at the bottom make a drift between them a compile error.
import { z } from 'zod';
import { CodedError } from './common/coded-error.ts';
import type { ApiErrorCode, FileState, HistoryQuery, HistoryRow, PauseTarget, QueueQuery, SettingsInput, Target, UploaderApi } from './api.ts';
import type { HistoryEntry } from './store/history.ts';
import type { FileState as StoreFileState } from './store/states.ts';

/** The states as a runtime list (for the state filter's schema); checked equal to FileState below. */
export const API_FILE_STATES = [
  'queued',
  'uploading',
  'completing',
  'done',
  'failed',
  'paused',
  'cancelled',
  'needs-attention',
  'duplicate',
  'missing',
] as const satisfies readonly FileState[];

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().max(max);

export const targetSchema = z.union([z.strictObject({ fileId: id }), z.strictObject({ all: z.literal(true) })]);
/** Pause alone may be timed ("for an hour", "until tomorrow"). */
export const pauseTargetSchema = z.union([targetSchema, z.strictObject({ all: z.literal(true), for: z.enum(['hour', 'tomorrow']) })]);

export const queueQuerySchema = z.strictObject({
  states: z.array(z.enum(API_FILE_STATES)).max(API_FILE_STATES.length).optional(),
  search: text(500).optional(),
  limit: z.number().int().min(0).max(1_000).optional(),
  offset: z.number().int().min(0).optional(),
});

export const historyQuerySchema = z.strictObject({
  search: text(500).optional(),
  limit: z.number().int().min(0).max(1_000).optional(),
  offset: z.number().int().min(0).optional(),
});

// Loose on values (numbers may be out of range, paths may not exist): the
// engine's config checks name the field in error. Here only the shape.
const folderSettings = z.strictObject({
  id: text(64),
  path: text(4096),
  include: z.array(text(1000)).max(100),
  exclude: z.array(text(1000)).max(100),
  recursive: z.boolean(),
  quietSeconds: z.number(),
  afterUpload: z.enum(['leave', 'move', 'delete']),
  archiveDir: text(4096).optional(),
  ignoreTemporary: z.boolean(),
  duplicates: z.enum(['skip', 'upload']),
  growing: z.boolean(),
});

export const settingsInputSchema = z.strictObject({
  server: z.strictObject({
    baseUrl: text(2000),
    auth: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('user'), username: text(500), password: text(1000).optional() }),
      z.strictObject({ type: z.literal('service'), id: text(500), secretKey: text(1000).optional() }),
    ]),
  }),
  folders: z.array(folderSettings).max(100),
  transfer: z.strictObject({
    partSizeMiB: z.number(),
    parallelParts: z.number(),
    parallelFiles: z.number(),
    maxBytesPerSecond: z.number(),
    stallSeconds: z.number(),
    requestTimeoutSeconds: z.number(),
  }),
  network: z
    .strictObject({
      proxy: text(2000),
      noProxy: z.array(text(500)).max(100),
      proxyUsername: text(500),
      proxyPassword: text(1000).optional(),
      caFile: text(4096),
    })
    .optional(),
});

/** Every UploaderApi method a UI may call (all but onEvent, which each transport carries its own way). */
export type CallableMethod = Exclude<keyof UploaderApi, 'onEvent'>;

interface MethodEntry {
  /** The argument's schema; undefined for methods that take none. */
  payload: z.ZodType | undefined;
  /** The argument may be left out (snapshot(), history()). */
  optional: boolean;
}

/** Keyed by the contract's own names: a method added to api.ts without a line here is a compile error. */
export const apiMethods: Record<CallableMethod, MethodEntry> = {
  snapshot: { payload: queueQuerySchema, optional: true },
  pause: { payload: pauseTargetSchema, optional: false },
  resume: { payload: targetSchema, optional: false },
  cancel: { payload: targetSchema, optional: false },
  retry: { payload: targetSchema, optional: false },
  history: { payload: historyQuerySchema, optional: true },
  settings: { payload: undefined, optional: true },
  saveSettings: { payload: settingsInputSchema, optional: false },
  testConnection: { payload: undefined, optional: true },
};

export const CALLABLE_METHODS = Object.keys(apiMethods) as CallableMethod[];

/** A failure that crosses a boundary as its code and a message fit for staff (never a path or a secret). */
export class ApiError extends CodedError<ApiErrorCode> {
  override name = 'ApiError';
}

/** A bad command name or argument. */
export class PayloadError extends ApiError {
  override name = 'PayloadError';
  constructor(message: string) {
    super('bad-payload', message);
  }
}

/** Checks a command's name and argument; answers the parsed argument or throws PayloadError. */
export function parseCall(method: string, arg: unknown): { method: CallableMethod; arg: unknown } {
  if (!Object.hasOwn(apiMethods, method)) throw new PayloadError(`unknown command "${method}"`);
  const entry = apiMethods[method as CallableMethod];
  if (arg === undefined || arg === null) {
    if (entry.payload && !entry.optional) throw new PayloadError(`${method} needs an argument`);
    return { method: method as CallableMethod, arg: undefined };
  }
  if (!entry.payload) throw new PayloadError(`${method} takes no argument`);
  const parsed = entry.payload.safeParse(arg);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new PayloadError(`${method}: ${first ? `${first.path.join('.') || 'argument'}: ${first.message}` : 'bad argument'}`);
  }
  return { method: method as CallableMethod, arg: parsed.data };
}

/** Runs an already parsed call on `api`. */
export function invoke(api: UploaderApi, method: CallableMethod, arg: unknown): Promise<unknown> {
  // Each method takes at most one argument, already checked by parseCall.
  const fn = api[method] as (this: UploaderApi, a?: unknown) => Promise<unknown>;
  return fn.call(api, arg);
}

// ---- compile-time checks ----
type Assignable<T, _U extends T> = true;
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<_T extends true> = true;
export type SchemasMatchApi = [
  Assignable<Target, z.output<typeof targetSchema>>,
  Assignable<PauseTarget, z.output<typeof pauseTargetSchema>>,
  Assignable<QueueQuery, z.output<typeof queueQuerySchema>>,
  Assignable<HistoryQuery, z.output<typeof historyQuerySchema>>,
  Assignable<SettingsInput, z.output<typeof settingsInputSchema>>,
  // api.ts owns its shapes; the store's must stay the same ones.
  Holds<Equal<FileState, StoreFileState>>,
  Holds<Equal<FileState, (typeof API_FILE_STATES)[number]>>,
  Holds<Equal<HistoryRow, HistoryEntry>>,
];
