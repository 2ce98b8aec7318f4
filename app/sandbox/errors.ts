// BioT-shaped errors: every failure the sandbox answers carries
// {code, message, serviceName, traceId, environment, details}, like BioT's ErrorResponse.
import { randomBytes } from 'node:crypto';
import type { components } from '../biot/generated/file.ts';

export type BiotErrorBody = components['schemas']['ErrorResponse'];

/** A failure to answer as a BioT error; thrown by route handlers, caught by the server. */
export class BiotError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A fresh 16-hex-digit trace id, the shape BioT uses. */
export function newTraceId(): string {
  return randomBytes(8).toString('hex');
}

/** The JSON body BioT sends with an error status. */
export function errorBody(
  serviceName: string,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  traceId = newTraceId(),
): BiotErrorBody {
  return { code, message, serviceName, traceId, environment: 'sandbox', details };
}

/** The error code BioT-like services give a status when a fault rule names none. */
export function defaultCodeFor(status: number): string {
  if (status === 401) return 'TOKEN_NOT_VALID';
  if (status === 403) return 'ACCESS_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 504) return 'GATEWAY_TIMEOUT';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'BAD_REQUEST';
}
