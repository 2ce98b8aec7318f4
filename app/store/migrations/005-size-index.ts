// v5: files by size. Intake hashes a file up front only when a row of the
// same size exists (a possible duplicate or twin); otherwise the hash is taken
// in the read that sends it. That lookup runs once per queued file, so at
// 100,000 rows it must not scan the table.
import type { Migration } from '../migrate.ts';

const sql = `CREATE INDEX files_size ON files(size, state);`;

export const m005SizeIndex: Migration = { version: 5, name: 'size-index', up: sql };
