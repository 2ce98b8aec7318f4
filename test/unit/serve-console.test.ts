// What start and serve print on their console about the BioT login: a refusal
// once, and the end of it once BioT accepts a login again, however the
// connection got there (new Settings pass through 'unknown' first).
import { expect, it } from 'vitest';
import type { ConnectionStatus, EngineEvent } from '../../app/api.ts';
import { printLoginNews } from '../../app/cli/serve-console.ts';

function run(states: ConnectionStatus['state'][]): string[] {
  let listener: ((e: EngineEvent) => void) | undefined;
  const out: string[] = [];
  const stop = printLoginNews(
    {
      onEvent: (l) => {
        listener = l;
        return () => (listener = undefined);
      },
    },
    { write: (s: string) => out.push(s.slice(s.indexOf('BioT')).trimEnd()) > 0 }, // the time first, in the PC's format
  );
  for (const state of states) listener?.({ type: 'connection', at: 0, seq: 0, connection: { state, advice: null, since: 0 } });
  stop();
  return out;
}

const refused = 'BioT refused the login: uploads wait.';
const locked = 'BioT locked the account: uploads wait.';
const again = 'BioT accepted the login again: uploads go on.';

it('says the login was accepted again after Settings forgot the refusal (refused -> unknown -> ok)', () => {
  expect(run(['ok', 'credentials-refused', 'unknown', 'ok'])).toEqual([refused, again]);
  expect(run(['locked', 'unknown', 'unreachable', 'ok'])).toEqual([locked, again]);
});

it('says nothing about the login when only the network came and went', () => {
  expect(run(['unknown', 'ok', 'unreachable', 'unknown', 'ok'])).toEqual([]);
  expect(run(['credentials-refused', 'unknown', 'ok', 'unknown', 'ok'])).toEqual([refused, again]);
});

it('says a refusal once while it lasts, and again for a new login refused too', () => {
  expect(run(['credentials-refused', 'credentials-refused', 'unknown', 'credentials-refused', 'ok'])).toEqual([refused, refused, again]);
});
