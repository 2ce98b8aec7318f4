// v6: a done row whose source was rewritten in place after it was sent, with
// the same size and mtime (an EDF header updated at the end, a FAT32 card's
// 2 s mtimes). BioT holds the old bytes under that row; the path now holds
// others, queued as a new row with the same folder, path, size and mtime. The
// old row stays done (History, dedup of its bytes) but no longer stands for
// the file at its path, so it leaves the identity index. Rows before v6 keep
// NULL: nothing changes for them.
import type { Migration } from '../migrate.ts';

const sql = `
ALTER TABLE files ADD COLUMN source_replaced_at INTEGER;
DROP INDEX files_identity;
CREATE UNIQUE INDEX files_identity ON files(folder_id, source_path, size, mtime_ms)
  WHERE state <> 'missing' AND source_replaced_at IS NULL;
`;

export const m006SourceReplaced: Migration = { version: 6, name: 'source-replaced', up: sql };
