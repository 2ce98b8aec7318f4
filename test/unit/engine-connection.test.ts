// The engine's connection state, as the pill and banner show it: a token BioT
// hands out means connected (not "Connecting to BioT…" while a long upload
// runs); a refusal is left to the transfer outcomes that know what it holds.
// A certificate, proxy or name problem keeps its code and says what to do (not
// "check the cable"), a change of reason is news for the banner, and only
// those problems stop `run --once` (NETWORK waits and retries).
import { describe, expect, it } from 'vitest';
import { connectionAfter, connectionAfterToken, connectionChanged, setupProblem } from '../../app/engine/connection.ts';

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

const retry = (code: string, message: string) => ({ kind: 'retry' as const, code, message });

describe('connection state from outcomes', () => {
  it('TLS_UNTRUSTED: the issuer in the advice, with what IT should do', () => {
    const c = connectionAfter(retry('TLS_UNTRUSTED', 'ums.login failed: the certificate of api.x is not trusted (issued by "Hospital Proxy CA")'), 5);
    expect(c).toEqual({
      state: 'unreachable',
      code: 'TLS_UNTRUSTED',
      advice:
        'The certificate of api.x is not trusted (issued by "Hospital Proxy CA"). A proxy on this network inspects secure connections; ask IT to install its certificate on this PC, or set network.caFile.',
      since: 5,
    });
    expect(setupProblem(c!)).toBe('TLS_UNTRUSTED');
  });

  it('a part or link failure keeps the code after its prefix', () => {
    expect(
      connectionAfter(retry('LINKS_PROXY_AUTH', 'file.partLinks failed: the proxy p:1 refused the user name or password (HTTP 407)'), 0),
    ).toMatchObject({
      code: 'PROXY_AUTH',
      advice: expect.stringMatching(/^The proxy p:1 refused the user name or password \(HTTP 407\)\. The proxy refused/),
    });
    expect(connectionAfter(retry('DNS', 'the host name b.example does not resolve; will try again'), 0)).toMatchObject({ code: 'DNS' });
  });

  it('NETWORK, timeouts and storage 5xx: unreachable, the old advice, and --once keeps trying', () => {
    for (const code of ['NETWORK', 'TIMEOUT', 'STALLED', 'STORAGE_503', 'LINKS_NETWORK']) {
      const c = connectionAfter(retry(code, 'x'), 0);
      expect(c, code).toMatchObject({ state: 'unreachable', code: 'NETWORK', advice: expect.stringContaining('internet connection') });
      expect(setupProblem(c!)).toBeUndefined();
    }
  });

  it('a new reason for the same state is a change the banner shows', () => {
    const network = connectionAfter(retry('NETWORK', 'x'), 0)!;
    const proxy = connectionAfter(retry('PROXY_UNREACHABLE', 'the proxy p:1 cannot be reached (ECONNREFUSED)'), 1)!;
    expect(connectionChanged(network, proxy)).toBe(true);
    expect(connectionChanged(proxy, { ...proxy, since: 9 })).toBe(false);
  });
});
