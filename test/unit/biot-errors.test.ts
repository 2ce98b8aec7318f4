// The retry classification table and the pure answer mapping.
import { describe, expect, it } from 'vitest';
import { errorFromBody, errorFromFailure, parseAnswer } from '../../app/biot/answer.ts';
import { BiotError, describeFailure, isLockout, isRetryable } from '../../app/biot/errors.ts';
import { isLoginRejected, isRefreshRefused, isUsable, localExpiry, renewAt, renewStep } from '../../app/biot/token-plan.ts';

describe('isRetryable', () => {
  it.each([
    // status, code, retryable
    [0, 'TIMEOUT', true],
    [0, 'NETWORK', true],
    [0, 'ABORTED', false],
    [0, 'INVALID_REQUEST', false],
    [0, 'MALFORMED_RESPONSE', false],
    // Issue 10: a captive portal's page or a garbled answer may pass next time.
    [200, 'MALFORMED_RESPONSE', true],
    [200, 'MFA_REQUIRED', false],
    [400, 'MULTIPLE_PART_UPLOAD_INVALID_PART_NUMBER', false],
    [400, 'PARTS_MUST_NOT_BE_EMPTY', false],
    [401, 'TOKEN_NOT_VALID', true],
    [401, 'USER_LOCKED', false],
    [401, 'USER_LOCKED_WITH_TIME', false],
    [401, 'SERVICE_LOCKED', false],
    [401, 'HTTP_ERROR', false],
    [403, 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD', false],
    [403, 'REFRESH_TOKEN_NOT_VALID', false],
    [403, 'ACCESS_DENIED', false],
    [404, 'FILE_ID_NOT_FOUND', false],
    [408, 'HTTP_ERROR', true],
    [409, 'MULTIPLE_PART_UPLOAD_HAS_NO_UPLOADED_ETAGS', false],
    [429, 'HTTP_ERROR', true],
    [500, 'INTERNAL_SERVER_ERROR', true],
    [502, 'HTTP_ERROR', true],
    [503, 'HTTP_ERROR', true],
    [504, 'GATEWAY_TIMEOUT', true],
    [503, 'USER_LOCKED', false],
    [302, 'HTTP_ERROR', false],
  ])('%i %s -> %s', (status, code, expected) => {
    expect(isRetryable(status, code)).toBe(expected);
    expect(new BiotError({ status, code, operation: 'op' }).retryable).toBe(expected);
  });

  it('lock-out codes set locked, others do not', () => {
    expect(isLockout(401, 'USER_LOCKED')).toBe(true);
    expect(isLockout(401, 'SERVICE_LOCKED')).toBe(true);
    expect(isLockout(401, 'TOKEN_NOT_VALID')).toBe(false);
    expect(new BiotError({ status: 401, code: 'USER_LOCKED_WITH_TIME', operation: 'ums.login' }).locked).toBe(true);
  });
});

describe('answer mapping', () => {
  it('parses 2xx JSON, treats an empty body as undefined', () => {
    expect(parseAnswer(200, '{"a":1}', 'op')).toEqual({ a: 1 });
    expect(parseAnswer(204, '', 'op')).toBeUndefined();
  });

  it('takes code and traceId from a BioT body, HTTP_ERROR without one', () => {
    expect(errorFromBody(409, '{"code":"X","traceId":"t"}', 'op')).toMatchObject({ status: 409, code: 'X', traceId: 't' });
    expect(errorFromBody(409, '{"code":5}', 'op')).toMatchObject({ code: 'HTTP_ERROR', traceId: undefined });
    expect(errorFromBody(500, 'oops', 'op')).toMatchObject({ code: 'HTTP_ERROR', retryable: true });
  });

  it('maps transport failures by which signal fired', () => {
    const reason = new Error('pause');
    expect(errorFromFailure(new Error('x'), 'op', { callerAborted: true, callerReason: reason, deadlinePassed: true })).toMatchObject({
      code: 'ABORTED',
      cause: reason,
    });
    expect(errorFromFailure(new Error('x'), 'op', { callerAborted: false, deadlinePassed: true }).code).toBe('TIMEOUT');
    const headersTimeout = Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(errorFromFailure(headersTimeout, 'op', { callerAborted: false, deadlinePassed: false }).code).toBe('TIMEOUT');
    const reset = Object.assign(new Error('r'), { code: 'ECONNRESET' });
    expect(errorFromFailure(reset, 'op', { callerAborted: false, deadlinePassed: false }).code).toBe('NETWORK');
  });

  it('messages carry operation, status and traceId only', () => {
    expect(describeFailure({ status: 404, code: 'FILE_ID_NOT_FOUND', operation: 'file.complete', traceId: 'abc' })).toBe(
      'file.complete failed: FILE_ID_NOT_FOUND (HTTP 404, traceId abc)',
    );
    expect(describeFailure({ status: 0, code: 'TIMEOUT', operation: 'file.partLinks' })).toBe(
      'file.partLinks failed: no answer in time (no HTTP status)',
    );
  });
});

describe('token plan', () => {
  const held = { token: 't', obtainedAt: 0, expiresAt: 60_000 };
  it('renews a margin before expiry, at most half the lifetime early', () => {
    expect(renewAt(held, 5_000)).toBe(55_000);
    expect(renewAt(held, 50_000)).toBe(30_000);
    expect(isUsable(held, 54_999, 5_000)).toBe(true);
    expect(isUsable(held, 55_000, 5_000)).toBe(false);
    expect(isUsable(undefined, 0, 5_000)).toBe(false);
  });
  it('refreshes only with a usable refresh token', () => {
    expect(renewStep(held, 10_000, 5_000)).toBe('refresh');
    expect(renewStep(held, 59_000, 5_000)).toBe('login');
    expect(renewStep(undefined, 0, 5_000)).toBe('login');
  });
  it('moves a server expiration onto the local clock only when the clocks disagree', () => {
    expect(localExpiry(100_000, undefined, 0)).toBe(100_000);
    expect(localExpiry(100_000, 5_000, 0)).toBe(100_000); // within tolerance
    expect(localExpiry(100_000, 3_600_000, 0)).toBe(100_000 - 3_600_000); // server an hour ahead
    expect(localExpiry(100_000, 0, 3_600_000)).toBe(100_000 + 3_600_000); // local an hour ahead
  });
  it('a login is rejected for good on lock-out, MFA, or a non-retryable 401/403', () => {
    const e = (status: number, code: string) => new BiotError({ status, code, operation: 'ums.login' });
    expect(isLoginRejected(e(403, 'LOGIN_FAILED'))).toBe(true);
    expect(isLoginRejected(e(401, 'USER_LOCKED'))).toBe(true);
    expect(isLoginRejected(e(200, 'MFA_REQUIRED'))).toBe(true);
    expect(isLoginRejected(e(401, 'TOKEN_NOT_VALID'))).toBe(false);
    expect(isLoginRejected(e(404, 'HTTP_ERROR'))).toBe(false);
    expect(isLoginRejected(e(503, 'HTTP_ERROR'))).toBe(false);
    expect(isLoginRejected(e(0, 'TIMEOUT'))).toBe(false);
  });
  it('a refused refresh is a non-lock-out 401/403', () => {
    const e = (status: number, code: string) => new BiotError({ status, code, operation: 'ums.refresh' });
    expect(isRefreshRefused(e(403, 'REFRESH_TOKEN_NOT_VALID'))).toBe(true);
    expect(isRefreshRefused(e(401, 'TOKEN_NOT_VALID'))).toBe(true);
    expect(isRefreshRefused(e(401, 'USER_LOCKED'))).toBe(false);
    expect(isRefreshRefused(e(503, 'HTTP_ERROR'))).toBe(false);
    expect(isRefreshRefused(e(0, 'TIMEOUT'))).toBe(false);
  });
});
