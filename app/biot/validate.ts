// Runtime checks on the answer fields the engine relies on. The generated
// types say what BioT promises; these make sure a proxy page, an older tenant
// or a bug cannot hand the engine an undefined id or a link without a part
// number. Problems name the field path only, never its value (it may be PHI).
import { BiotError } from './errors.ts';
import type { CompletedUpload, LoginResponse, MultipartUpload, PartLink, ServiceTokenResponse, SingleUpload } from './types.ts';

/** Where an answer came from, for the error it may turn into. */
export type AnswerContext = { operation: string; status: number; traceId?: string | undefined };

type Obj = Record<string, unknown>;

/** Throws MALFORMED_RESPONSE naming the field path (never the value). */
export function malformed(ctx: AnswerContext, problem: string): never {
  throw new BiotError({
    status: ctx.status,
    code: 'MALFORMED_RESPONSE',
    operation: ctx.operation,
    traceId: ctx.traceId,
    message: `${ctx.operation} failed: malformed response, ${problem} (HTTP ${ctx.status})`,
  });
}

/** The answer as a plain object, or MALFORMED_RESPONSE. */
export function readObject(body: unknown, ctx: AnswerContext, path = 'body'): Obj {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    malformed(ctx, `${path} is not an object`);
  }
  return body as Obj;
}

function readString(obj: Obj, key: string, ctx: AnswerContext, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0) malformed(ctx, `${path}.${key} is not a non-empty string`);
  return value;
}

function readDate(obj: Obj, key: string, ctx: AnswerContext, path: string): string {
  const value = readString(obj, key, ctx, path);
  if (Number.isNaN(Date.parse(value))) malformed(ctx, `${path}.${key} is not a date-time`);
  return value;
}

function readInt(obj: Obj, key: string, ctx: AnswerContext, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) malformed(ctx, `${path}.${key} is not an integer`);
  return value;
}

/** A JWT {token, expiration} with a parseable expiration, as epoch ms. */
export function readJwt(obj: Obj, key: string, ctx: AnswerContext): { token: string; expiresAt: number } {
  const jwt = readObject(obj[key], ctx, `body.${key}`);
  const token = readString(jwt, 'token', ctx, `body.${key}`);
  const expiration = readDate(jwt, 'expiration', ctx, `body.${key}`);
  return { token, expiresAt: Date.parse(expiration) };
}

/** A user login or refresh answer: accessJwt required, refreshJwt checked when present. */
export function readLogin(body: unknown, ctx: AnswerContext): LoginResponse {
  const obj = readObject(body, ctx);
  readJwt(obj, 'accessJwt', ctx);
  if (obj.refreshJwt !== undefined && obj.refreshJwt !== null) readJwt(obj, 'refreshJwt', ctx);
  return obj as LoginResponse;
}

/** A service-user token answer. */
export function readServiceToken(body: unknown, ctx: AnswerContext): ServiceTokenResponse {
  const obj = readObject(body, ctx);
  readString(obj, 'accessToken', ctx, 'body');
  readDate(obj, 'accessTokenExpiration', ctx, 'body');
  return obj as ServiceTokenResponse;
}

function readPartLink(value: unknown, ctx: AnswerContext, path: string): PartLink {
  const obj = readObject(value, ctx, path);
  readString(obj, 'signedUrl', ctx, path);
  const partNumber = readInt(obj, 'partNumber', ctx, path);
  if (partNumber < 1 || partNumber > 10_000) malformed(ctx, `${path}.partNumber is out of 1..10000`);
  readDate(obj, 'expirationTime', ctx, path);
  return obj as PartLink;
}

/** A create-multipart or part-links answer: id and every link checked. */
export function readMultipartUpload(body: unknown, ctx: AnswerContext): MultipartUpload {
  const obj = readObject(body, ctx);
  readString(obj, 'id', ctx, 'body');
  if (!Array.isArray(obj.signedUrls)) malformed(ctx, 'body.signedUrls is not an array');
  obj.signedUrls.forEach((link, i) => readPartLink(link, ctx, `body.signedUrls[${i}]`));
  return obj as MultipartUpload;
}

/** An answer carrying {id, signedUrl}: single upload, complete, download. */
export function readIdAndLink<T extends SingleUpload | CompletedUpload>(body: unknown, ctx: AnswerContext): T {
  const obj = readObject(body, ctx);
  readString(obj, 'id', ctx, 'body');
  readString(obj, 'signedUrl', ctx, 'body');
  return obj as T;
}

/** An entity answer: an object whose `_id` is a string. */
export function readEntity<T>(body: unknown, ctx: AnswerContext): T {
  const obj = readObject(body, ctx);
  readString(obj, '_id', ctx, 'body');
  return obj as T;
}
