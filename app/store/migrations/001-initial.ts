// v1: the queue (files), BioT upload attempts (uploads), their parts, and the
// append-only audit. STRICT tables so a wrong type is an error, not a surprise.
import type { Migration } from '../migrate.ts';

// files.state has no CHECK on purpose: adding a state later would force a
// table rebuild of a possibly 100k-row table; states.ts is the gate.
// Timestamps are epoch milliseconds (INTEGER).
const sql = `
CREATE TABLE files (
  id                 INTEGER PRIMARY KEY,
  folder_id          TEXT    NOT NULL,
  source_path        TEXT    NOT NULL,
  rel_path           TEXT    NOT NULL,
  size               INTEGER NOT NULL CHECK (size >= 0),
  mtime_ms           INTEGER NOT NULL,
  sha256             TEXT    CHECK (sha256 IS NULL OR length(sha256) = 64),
  state              TEXT    NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  last_error         TEXT,
  last_error_code    TEXT,
  bytes_done         INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  completed_at       INTEGER,
  biot_file_id       TEXT,
  duplicate_of       INTEGER REFERENCES files(id),
  attach_entity_type TEXT,
  attach_entity_id   TEXT,
  attached_at        INTEGER
) STRICT;

-- claimNext: queued rows oldest first, failed rows whose retry time has come.
CREATE INDEX files_due ON files(state, next_attempt_at);
-- dedup: "were these bytes already uploaded?"
CREATE INDEX files_content ON files(sha256, size) WHERE sha256 IS NOT NULL;
-- enqueue idempotency, and a guard against two processes queueing one file:
-- one live row per folder + path + size + mtime ('missing' rows are history).
CREATE UNIQUE INDEX files_identity ON files(folder_id, source_path, size, mtime_ms)
  WHERE state <> 'missing';

CREATE TABLE uploads (
  id            INTEGER PRIMARY KEY,
  file_id       INTEGER NOT NULL REFERENCES files(id),
  biot_file_id  TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('multipart', 'single')),
  part_size     INTEGER NOT NULL CHECK (part_size >= 0),
  part_count    INTEGER NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
  file_size     INTEGER NOT NULL CHECK (file_size >= 0),
  file_mtime_ms INTEGER NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('open', 'completed', 'cancelled', 'abandoned')),
  created_at    INTEGER NOT NULL,
  closed_at     INTEGER
) STRICT;

CREATE INDEX uploads_file ON uploads(file_id);
-- A file has at most one upload in flight; a new one must close the old first.
CREATE UNIQUE INDEX uploads_one_open ON uploads(file_id) WHERE state = 'open';

CREATE TABLE parts (
  upload_id          INTEGER NOT NULL REFERENCES uploads(id),
  part_number        INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  byte_offset        INTEGER NOT NULL CHECK (byte_offset >= 0),
  size               INTEGER NOT NULL CHECK (size >= 0),
  md5                TEXT,
  etag               TEXT,
  uploaded_at        INTEGER,
  etag_saved_to_biot INTEGER NOT NULL DEFAULT 0 CHECK (etag_saved_to_biot IN (0, 1)),
  PRIMARY KEY (upload_id, part_number)
) STRICT, WITHOUT ROWID;

-- Append-only: ids, hashes, BioT ids and trace ids; never names or paths.
CREATE TABLE audit (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  file_id       INTEGER REFERENCES files(id),
  upload_id     INTEGER REFERENCES uploads(id),
  event         TEXT    NOT NULL,
  from_state    TEXT,
  to_state      TEXT,
  biot_trace_id TEXT,
  detail        TEXT    CHECK (detail IS NULL OR json_valid(detail))
) STRICT;

CREATE INDEX audit_file ON audit(file_id, id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

export const m001Initial: Migration = { version: 1, name: 'initial', up: sql };
