// New server settings (address, login, secret, request timeout), applied to a
// running engine at once: the one call Settings (Engine.reconfigure) and the
// sign-in recovery make. A new BioT client serves every next call
// (server-switch.ts); what the old login taught about the connection is
// forgotten, so the banner asking to fix the login goes; and uploads the old
// login stopped go on without a restart or a person pressing Retry (a
// lock-out too: the new login is another attempt, as Retry is).
import type { EventPump } from './event-pump.ts';
import { errorFacts } from '../common/error-facts.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/index.ts';
import { isLoginCode, type ConnectionState } from './connection.ts';
import type { Holds } from './holds.ts';
import type { ServerSettings, ServerSwitch } from './server-switch.ts';

export interface ServerParts {
  biot: ServerSwitch;
  store: Store;
  connection: ConnectionState;
  holds: Holds;
  events: EventPump;
  log: Logger;
  now: () => number;
}

/**
 * Applies `settings`; answers whether they changed anything (false: same
 * server and login, nothing done). Never throws for a queue write the data
 * folder refused. The hold is released here, so the caller updates folder
 * rules before calling (released rows are claimed at once).
 */
export function applyServerSettings(p: ServerParts, settings: ServerSettings): boolean {
  if (!p.biot.apply(settings)) return false;
  p.connection.forget();
  const retried: number[] = [];
  try {
    const stopped = p.store.listFiles({ states: ['needs-attention'], limit: 1000 }).files.filter((f) => isLoginCode(f.lastErrorCode));
    for (const f of stopped) retried.push(p.store.retry(f.id).id);
  } catch (error) {
    // The new settings stand (the client is switched, the file saved); a data
    // folder that refuses the write holds uploads and says so, and the rows not
    // retried wait for Retry.
    p.holds.noteStoreError(error);
    p.log.log('warn', 'server-settings-retry-failed', errorFacts(error, 'applyServerSettings'));
  }
  p.holds.signInRetried();
  p.log.log('info', 'server-settings-applied', { retried: retried.length });
  if (retried.length > 0) p.events.emit({ type: 'changed', at: p.now(), fileIds: retried });
  return true;
}
