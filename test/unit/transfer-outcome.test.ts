import { describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
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
});
