// The schema history, in order. Append a new file; never edit a shipped one.
import type { Migration } from '../migrate.ts';
import { m001Initial } from './001-initial.ts';
import { m002PostAction } from './002-post-action.ts';
import { m003PostActionIntent } from './003-post-action-intent.ts';
import { m004Verification } from './004-verification.ts';
import { m005SizeIndex } from './005-size-index.ts';
import { m006SourceReplaced } from './006-source-replaced.ts';

/** Every migration this build knows; its length is the code's schema version. */
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m002PostAction,
  m003PostActionIntent,
  m004Verification,
  m005SizeIndex,
  m006SourceReplaced,
];
