// What start and serve print while they run, beside the window's address: a
// person watching the console (or a service log) learns that BioT refused the
// login without opening the window, and learns when it is accepted again; and,
// once at start, that uploads a stop interrupted were taken up again.
// Plain words and the time, never the user name, the password or file names.
import type { ConnectionStatus, UploaderApi } from '../api.ts';

/** Prints login refusals and their end until the returned function is called. */
export function printLoginNews(api: Pick<UploaderApi, 'onEvent'>, out: Pick<NodeJS.WritableStream, 'write'>): () => void {
  let last: ConnectionStatus['state'] | undefined;
  // Only BioT accepting a login ends the trouble: new settings pass through
  // 'unknown' first (refused -> unknown -> ok), and BioT may be unreachable a while.
  let loginTrouble = false;
  return api.onEvent((event) => {
    if (event.type !== 'connection') return;
    const { state, advice } = event.connection;
    const was = last;
    last = state;
    if (state === was) return;
    const at = new Date(event.at).toLocaleTimeString();
    if (state === 'credentials-refused') out.write(`${at} BioT refused the login: uploads wait. ${advice ?? ''}`.trimEnd() + '\n');
    else if (state === 'locked') out.write(`${at} BioT locked the account: uploads wait. ${advice ?? ''}`.trimEnd() + '\n');
    else if (state === 'ok' && loginTrouble) out.write(`${at} BioT accepted the login again: uploads go on.\n`);
    if (state === 'credentials-refused' || state === 'locked') loginTrouble = true;
    else if (state === 'ok') loginTrouble = false;
  });
}

/** Says once how many uploads this run resumed where a stop left them (nothing when none). */
export async function printResumed(api: Pick<UploaderApi, 'snapshot'>, out: Pick<NodeJS.WritableStream, 'write'>): Promise<void> {
  const n = (await api.snapshot({ limit: 0 })).resumed?.count ?? 0;
  if (n > 0)
    out.write(
      `${n} ${n === 1 ? 'upload' : 'uploads'} resumed where ${n === 1 ? 'it' : 'they'} stopped (parts BioT already had are not sent again).\n`,
    );
}
