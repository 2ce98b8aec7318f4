// v4: what the uploader proved about the object BioT assembled, read back
// after complete (size and ETag against what was sent): 'verified',
// 'not-checkable' (the reason says why: an opaque ETag, BioT not answering)
// or 'mismatch'. Rows done before v4 keep NULL: never checked.
import type { Migration } from '../migrate.ts';

const sql = `
ALTER TABLE files ADD COLUMN verification TEXT
  CHECK (verification IS NULL OR verification IN ('verified', 'not-checkable', 'mismatch'));
ALTER TABLE files ADD COLUMN verification_reason TEXT;  -- a code, never free text
`;

export const m004Verification: Migration = { version: 4, name: 'verification', up: sql };
