// v3: the folder's post-upload action as it was when the row became done, so
// a folder later switched from "leave" to "move" or "delete" never acts on the
// exports uploaded under "leave". Rows done before v3 keep NULL: nobody knows
// what was intended for them, and leaving a file is the only safe guess.
import type { Migration } from '../migrate.ts';

const sql = `
ALTER TABLE files ADD COLUMN post_action_intent TEXT;  -- 'leave' | 'move' | 'delete', set by markDone
-- awaitingPostAction at every start-up: the few rows still owed an action, not every done row.
CREATE INDEX files_post_action_due ON files(folder_id, id)
  WHERE state = 'done' AND post_action IS NULL AND post_action_intent IN ('move', 'delete');
`;

export const m003PostActionIntent: Migration = { version: 3, name: 'post-action-intent', up: sql };
