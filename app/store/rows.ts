// Database rows (snake_case) to the camelCase shapes in types.ts.
import type { AuditDetail, AuditRow, FileRow, PartRow, UploadRow } from './types.ts';

type Raw = Record<string, unknown>;

const camelCache = new Map<string, string>();
function camel(key: string): string {
  let c = camelCache.get(key);
  if (c === undefined) {
    c = key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    camelCache.set(key, c);
  }
  return c;
}

function camelize(raw: Raw): Raw {
  const out: Raw = {};
  for (const k of Object.keys(raw)) out[camel(k)] = raw[k];
  return out;
}

/** A files row as the API shape. */
export function toFileRow(raw: unknown): FileRow {
  return camelize(raw as Raw) as unknown as FileRow;
}

/** An uploads row as the API shape. */
export function toUploadRow(raw: unknown): UploadRow {
  return camelize(raw as Raw) as unknown as UploadRow;
}

/** A parts row as the API shape (byte_offset -> offset, 0/1 -> boolean). */
export function toPartRow(raw: unknown): PartRow {
  const r = raw as Raw;
  return {
    uploadId: r.upload_id as number,
    partNumber: r.part_number as number,
    offset: r.byte_offset as number,
    size: r.size as number,
    md5: r.md5 as string | null,
    etag: r.etag as string | null,
    uploadedAt: r.uploaded_at as number | null,
    etagSavedToBiot: r.etag_saved_to_biot === 1,
  };
}

/** An audit row as the API shape (detail parsed from JSON). */
export function toAuditRow(raw: unknown): AuditRow {
  const r = camelize(raw as Raw);
  const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as AuditDetail) : null;
  return { ...r, detail } as unknown as AuditRow;
}
