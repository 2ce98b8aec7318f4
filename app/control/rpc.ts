// The control server's side of the command table: the table, its schemas and
// the errors live beside app/api.ts (api-schemas.ts), shared with the engine
// host and the desktop shell's IPC; this only runs a checked call.
import type { UploaderApi } from '../api.ts';
import { invoke, parseCall, PayloadError, type CallableMethod } from '../api-schemas.ts';

export { PayloadError, type CallableMethod };

/** Checks a command's argument and runs it; throws PayloadError for a bad name or payload. */
export async function dispatch(api: UploaderApi, method: string, arg: unknown): Promise<unknown> {
  const call = parseCall(method, arg);
  return invoke(api, call.method, call.arg);
}
