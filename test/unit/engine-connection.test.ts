// The engine's connection state, as the pill and banner show it: a token BioT
// hands out means connected (not "Connecting to BioT…" while a long upload
// runs); a refusal is left to the transfer outcomes that know what it holds.
import { expect, it } from 'vitest';
import { connectionAfter, connectionAfterToken } from '../../app/engine/connection.ts';

it('is connected as soon as BioT hands out a token, and says nothing on a refusal', () => {
  for (const kind of ['login', 'refresh', 'service-token'] as const)
    expect(connectionAfterToken({ kind }, 5)).toEqual({ state: 'ok', advice: null, since: 5 });
  for (const kind of ['credentials-rejected', 'locked', 'refresh-refused'] as const) expect(connectionAfterToken({ kind }, 5)).toBeUndefined();
});

it('a refused login is said as such, and its advice points to Settings', () => {
  const refused = connectionAfter({ kind: 'needs-attention', code: 'LOGIN_FAILED', message: 'no', locked: false }, 7);
  expect(refused).toMatchObject({ state: 'credentials-refused', since: 7 });
  expect(refused?.advice).toMatch(/Settings/);
});
