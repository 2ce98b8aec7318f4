// v2: the outcome of a file's post-upload action (move to archive, delete), so
// a failed move is visible to the UI and survives a restart. Codes only: the
// archive path would name the patient.
import type { Migration } from '../migrate.ts';

const sql = `
ALTER TABLE files ADD COLUMN post_action       TEXT;  -- 'moved' | 'deleted' | 'failed' | 'skipped'
ALTER TABLE files ADD COLUMN post_action_error TEXT;  -- an error code when post_action is 'failed' or 'skipped'
ALTER TABLE files ADD COLUMN post_action_at    INTEGER;
`;

export const m002PostAction: Migration = { version: 2, name: 'post-action', up: sql };
