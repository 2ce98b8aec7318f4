// The command table: one entry per UploaderApi method the browser may call,
// each with the schema its argument must pass. Keyed by the contract's own
// method names, so adding a method to app/api.ts without a line here is a
// compile error (the bridge uses the same names).
import type { z } from 'zod';
import type { UploaderApi } from '../api.ts';
import { historyQuerySchema, queueQuerySchema, settingsInputSchema, targetSchema } from './payloads.ts';

export type CallableMethod = Exclude<keyof UploaderApi, 'onEvent'>;

interface Entry {
  /** The argument's schema; undefined for methods that take none. */
  payload: z.ZodType | undefined;
  optional?: boolean;
  call(api: UploaderApi, arg: any): Promise<unknown>;
}

export const rpcTable: Record<CallableMethod, Entry> = {
  snapshot: { payload: queueQuerySchema, optional: true, call: (api, q) => api.snapshot(q) },
  pause: { payload: targetSchema, call: (api, t) => api.pause(t) },
  resume: { payload: targetSchema, call: (api, t) => api.resume(t) },
  cancel: { payload: targetSchema, call: (api, t) => api.cancel(t) },
  retry: { payload: targetSchema, call: (api, t) => api.retry(t) },
  history: { payload: historyQuerySchema, optional: true, call: (api, q) => api.history(q) },
  settings: { payload: undefined, call: (api) => api.settings() },
  saveSettings: { payload: settingsInputSchema, call: (api, s) => api.saveSettings(s) },
};

export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** Checks a command's argument and runs it; throws PayloadError for a bad name or payload. */
export async function dispatch(api: UploaderApi, method: string, arg: unknown): Promise<unknown> {
  if (!Object.hasOwn(rpcTable, method)) throw new PayloadError(`unknown command "${method}"`);
  const entry = rpcTable[method as CallableMethod];
  if (arg === undefined || arg === null) {
    if (entry.payload && !entry.optional) throw new PayloadError(`${method} needs an argument`);
    return entry.call(api, undefined);
  }
  if (!entry.payload) throw new PayloadError(`${method} takes no argument`);
  const parsed = entry.payload.safeParse(arg);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new PayloadError(`${method}: ${first ? `${first.path.join('.') || 'argument'}: ${first.message}` : 'bad argument'}`);
  }
  return entry.call(api, parsed.data);
}
