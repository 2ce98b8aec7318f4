import { describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import { connectionAfter } from '../../app/engine/connection.ts';
import { outcomeOf, PartGaveUp, PartRefused } from '../../app/transfer/outcome.ts';
import { SourceReadError } from '../../app/transfer/source-read-error.ts';
import { StopRequest } from '../../app/transfer/stop.ts';
import { SourceNotAFile } from '../../app/transfer/upload-end.ts';

const biot = (status: number, code: string) => new BiotError({ status, code, operation: 'file.complete', traceId: 't-1' });
const errno = (code: string, syscall = 'open') => Object.assign(new Error(code), { code, syscall });

describe('retry policy (outcomeOf)', () => {
  it.each([
    ['pause', new StopRequest('pause'), { kind: 'stopped', reason: 'pause' }],
    ['cancel', new StopRequest('cancel'), { kind: 'stopped', reason: 'cancel' }],
    ['lock-out', biot(401, 'USER_LOCKED'), { kind: 'needs-attention', code: 'USER_LOCKED', locked: true }],
    ['BioT 504', biot(504, 'GATEWAY_TIMEOUT'), { kind: 'retry', code: 'GATEWAY_TIMEOUT', traceId: 't-1' }],
    ['network', biot(0, 'NETWORK'), { kind: 'retry', code: 'NETWORK' }],
    ['access denied', biot(403, 'ACCESS_DENIED'), { kind: 'needs-attention', code: 'ACCESS_DENIED', locked: false }],
    ['vanished source', errno('ENOENT', 'stat'), { kind: 'missing' }],
    // The source's own open/read errors come wrapped (SourceReadError); see transfer-error-places.test.ts.
    ['locked source', new SourceReadError(errno('EBUSY')), { kind: 'retry', code: 'SOURCE_LOCKED' }],
    ['other read error', new SourceReadError(errno('EIO', 'read')), { kind: 'retry', code: 'SOURCE_EIO' }],
    ['not a file', new SourceNotAFile(), { kind: 'needs-attention', code: 'NOT_A_FILE' }],
    ['part gave up', new PartGaveUp('STORAGE_500', 'x'), { kind: 'retry', code: 'STORAGE_500' }],
    ['part refused', new PartRefused('STORAGE_400', 'x'), { kind: 'needs-attention', code: 'STORAGE_400' }],
    ['a bug', new TypeError('boom'), { kind: 'retry', code: 'UNEXPECTED' }],
  ])('%s', (_name, error, expected) => {
    expect(outcomeOf(error)).toMatchObject(expected);
  });

  it('marks any 401 or 403 to the login itself as a refused sign-in, whatever its code', () => {
    const login = (status: number, code: string, operation = 'ums.login') => outcomeOf(new BiotError({ status, code, operation }));
    expect(login(403, 'SOMETHING_NEW')).toMatchObject({ kind: 'needs-attention', signIn: true });
    expect(login(401, 'TOKEN_NOT_VALID', 'ums.serviceToken')).toMatchObject({ kind: 'retry', signIn: true });
    expect(login(401, 'USER_LOCKED')).toMatchObject({ locked: true, signIn: true });
    expect(login(503, 'SERVICE_UNAVAILABLE')).not.toHaveProperty('signIn');
    expect(outcomeOf(biot(403, 'ACCESS_DENIED'))).not.toHaveProperty('signIn');
  });
});

describe('the banner (connectionAfter)', () => {
  it('shows the login banner for a refused sign-in outside the known codes, and the lock-out banner for a lock-out', () => {
    expect(connectionAfter({ kind: 'needs-attention', code: 'SOMETHING_NEW', message: 'm', locked: false, signIn: true }, 5)).toMatchObject({
      state: 'credentials-refused',
      since: 5,
    });
    expect(connectionAfter({ kind: 'needs-attention', code: 'USER_LOCKED', message: 'm', locked: true }, 5)?.state).toBe('locked');
    expect(connectionAfter({ kind: 'needs-attention', code: 'SOMETHING_NEW', message: 'm', locked: false }, 5)).toBeUndefined();
  });
});
