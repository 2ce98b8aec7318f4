// The sandbox's durable state: uploads (with the store's upload id and saved
// ETags), finished files and entities, kept as one JSON document written
// atomically (temp file + rename) shortly after every change, so a sandbox
// restarted on the same --data dir still knows the uploads in progress.
// Writes are coalesced (at most one per SAVE_DELAY_MS): rewriting the whole
// document on every call made the sandbox, not the uploader, set the pace of
// small-file runs. A crash of the sandbox itself may lose that last moment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type FileStatus = 'uploading' | 'completed' | 'cancelled';

export interface FileRecord {
  id: string;
  kind: 'single' | 'multipart';
  name: string;
  mimeType: string;
  /** Object key in the store: derived from the id only, never from the file name. */
  key: string;
  status: FileStatus;
  /** The store's multipart upload id (multipart only). */
  uploadId?: string;
  /** Highest part number links were handed out for. */
  parts: number;
  /** Saved ETags by part number (as strings, JSON keys). */
  etags: Record<string, string>;
  createdAt: string;
}

export type EntityKind = 'patient' | 'device' | 'generic';

export interface EntityRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  attributes: Record<string, unknown>;
}

interface StateDocument {
  version: 1;
  /** HMAC secret for tokens and disk-store links; kept so they survive a restart. */
  secret: string;
  files: Record<string, FileRecord>;
  entities: Record<EntityKind, Record<string, EntityRecord>>;
}

/** Loads (or creates) the state document in dataDir and saves it on demand. */
const SAVE_DELAY_MS = 50;

export class SandboxState {
  readonly doc: StateDocument;
  readonly #path: string;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#path = join(dataDir, 'sandbox-state.json');
    this.doc = existsSync(this.#path)
      ? (JSON.parse(readFileSync(this.#path, 'utf8')) as StateDocument)
      : { version: 1, secret: randomBytes(32).toString('hex'), files: {}, entities: { patient: {}, device: {}, generic: {} } };
    this.flush();
  }

  /** Notes a change: the document is written within SAVE_DELAY_MS. */
  save(): void {
    // A request still being answered while the sandbox closes must not write into a folder already removed.
    if (this.#closed) return;
    this.#timer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Writes the document one last time; later changes are not saved. */
  close(): void {
    this.flush();
    this.#closed = true;
  }

  /** Writes the document now, atomically: a crash leaves the old or the new file, never half of one. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const temp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.doc));
    renameSync(temp, this.#path);
  }

  file(id: string): FileRecord | undefined {
    return Object.hasOwn(this.doc.files, id) ? this.doc.files[id] : undefined;
  }

  entity(kind: EntityKind, id: string): EntityRecord | undefined {
    const all = this.doc.entities[kind];
    return Object.hasOwn(all, id) ? all[id] : undefined;
  }
}
