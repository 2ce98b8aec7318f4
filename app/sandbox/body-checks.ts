// Validation of request bodies against the fields BioT requires; failures are
// BioT 400s naming the field, so a client bug reads clearly in a test log.
import { BiotError } from './errors.ts';

type Json = Record<string, unknown>;

/** The body as an object, or a 400 when it is missing or not an object. */
export function objectBody(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BiotError(400, 'BAD_REQUEST', 'Request body must be a JSON object');
  }
  return body as Json;
}

function wrongField(field: string, want: string): BiotError {
  return new BiotError(400, 'BAD_REQUEST', `Field '${field}' must be ${want}`, { field });
}

/** A required string field, at most maxLength characters. */
export function stringField(body: Json, field: string, maxLength = Infinity): string {
  const value = body[field];
  if (typeof value !== 'string') throw wrongField(field, 'a string');
  if (value.length > maxLength) throw wrongField(field, `at most ${maxLength} characters`);
  return value;
}

/** A required integer field within [min, max]. */
export function intField(body: Json, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongField(field, 'an integer');
  if (value < min || value > max) throw wrongField(field, `between ${min} and ${max}`);
  return value;
}

export interface PartEtag {
  partNumber: number;
  etag?: string;
}

/** The `parts` array of a save-ETags or complete body: [{partNumber, etag?}] (the spec makes etag optional). */
export function partsField(body: Json): PartEtag[] {
  const parts = body.parts;
  if (!Array.isArray(parts)) throw wrongField('parts', 'an array');
  return parts.map((item: unknown, index) => {
    const part = objectBody(item);
    if (typeof part.partNumber !== 'number' || !Number.isInteger(part.partNumber)) throw wrongField(`parts[${index}].partNumber`, 'an integer');
    if (part.etag !== undefined && typeof part.etag !== 'string') throw wrongField(`parts[${index}].etag`, 'a string');
    return part.etag ? { partNumber: part.partNumber, etag: part.etag } : { partNumber: part.partNumber };
  });
}
