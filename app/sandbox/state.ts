// The sandbox's durable state: uploads (with the store's upload id and saved
// ETags), finished files and entities, so a sandbox restarted on the same
// --data dir still knows the uploads in progress. A snapshot document
// (written atomically: temp file + rename) and a journal of the records
// changed since, one JSON line each, appended shortly after each change and
// folded into a new snapshot at open and close. Rewriting the whole document
// after every change made the sandbox, not the uploader, set the pace of
// small-file runs (at 6,000 files, megabytes of JSON twenty times a second:
// issue 20). A crash of the sandbox itself may lose that last moment.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** One journal line: the whole record as it is now (a later line for the same record wins). */
type Change = { file: FileRecord } | { entity: EntityRecord; kind: EntityKind };

/** Journal lines are written at most this long after a change. */
const SAVE_DELAY_MS = 50;

/** Loads (or creates) the state in dataDir and records changes on demand. */
export class SandboxState {
  readonly doc: StateDocument;
  readonly #path: string;
  readonly #journal: string;
  /** Records changed since the last journal write, by kind and id. */
  readonly #dirty = new Map<string, Change>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#path = join(dataDir, 'sandbox-state.json');
    this.#journal = join(dataDir, 'sandbox-state.changes.jsonl');
    this.doc = existsSync(this.#path)
      ? (JSON.parse(readFileSync(this.#path, 'utf8')) as StateDocument)
      : { version: 1, secret: randomBytes(32).toString('hex'), files: {}, entities: { patient: {}, device: {}, generic: {} } };
    this.#replay();
    this.#snapshot();
  }

  /** Notes a changed (or new) file record: journalled within SAVE_DELAY_MS. */
  saveFile(file: FileRecord): void {
    this.#note(`file:${file.id}`, { file });
  }

  /** Notes a changed (or new) entity record: journalled within SAVE_DELAY_MS. */
  saveEntity(kind: EntityKind, entity: EntityRecord): void {
    this.#note(`${kind}:${entity.id}`, { entity, kind });
  }

  /** Folds everything into one snapshot; later changes are not saved. */
  close(): void {
    clearTimeout(this.#timer);
    this.#dirty.clear();
    this.#snapshot();
    this.#closed = true;
  }

  #note(key: string, change: Change): void {
    // A request still being answered while the sandbox closes must not write into a folder already removed.
    if (this.#closed) return;
    this.#dirty.set(key, change);
    this.#timer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Appends the records changed since the last call to the journal, as they are now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty.size === 0) return;
    let lines = '';
    for (const change of this.#dirty.values()) lines += `${JSON.stringify(change)}\n`;
    this.#dirty.clear();
    appendFileSync(this.#journal, lines);
  }

  /** Applies the journal a previous run left (a line cut short by a crash is skipped). */
  #replay(): void {
    if (!existsSync(this.#journal)) return;
    for (const line of readFileSync(this.#journal, 'utf8').split('\n')) {
      let change: Change;
      try {
        change = JSON.parse(line) as Change;
      } catch {
        continue;
      }
      if ('file' in change) this.doc.files[change.file.id] = change.file;
      else if ('entity' in change) this.doc.entities[change.kind][change.entity.id] = change.entity;
    }
  }

  /** Writes the whole document atomically (a crash leaves the old or the new file, never half of one), then drops the journal it holds. */
  #snapshot(): void {
    const temp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.doc));
    renameSync(temp, this.#path);
    rmSync(this.#journal, { force: true });
  }

  file(id: string): FileRecord | undefined {
    return Object.hasOwn(this.doc.files, id) ? this.doc.files[id] : undefined;
  }

  entity(kind: EntityKind, id: string): EntityRecord | undefined {
    const all = this.doc.entities[kind];
    return Object.hasOwn(all, id) ? all[id] : undefined;
  }
}
