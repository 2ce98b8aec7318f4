// Which rows stand for the file now at their path: the condition of the
// partial unique index files_identity (migrations 001 and 006). Queries by
// folder + path repeat it word for word, so SQLite can use that index, and
// so a 'missing' row or a done row whose source was rewritten since
// (source_replaced_at) is never taken for the file on disk.
export const STANDS_FOR_SOURCE = `state <> 'missing' AND source_replaced_at IS NULL`;
