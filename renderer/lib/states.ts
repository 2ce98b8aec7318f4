// What each queue state means to staff, which buttons it offers, and the
// filter groups. Mirrors app/store/lifecycle.ts (the renderer may import only
// types from the engine); the engine refuses anything else anyway.
import type { FileState } from '../../app/api.ts';

export type Action = 'pause' | 'resume' | 'cancel' | 'retry';

export const STATE_LABEL: Record<FileState, string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  completing: 'Finishing',
  done: 'Done',
  failed: 'Failed, will retry',
  paused: 'Paused',
  cancelled: 'Cancelled',
  'needs-attention': 'Needs attention',
  duplicate: 'Already uploaded',
  missing: 'File gone',
};

const ACTIONS: Record<FileState, Action[]> = {
  queued: ['pause', 'cancel'],
  uploading: ['pause', 'cancel'],
  completing: [],
  done: [],
  failed: ['retry', 'pause', 'cancel'],
  paused: ['resume', 'cancel'],
  cancelled: ['retry'],
  'needs-attention': ['retry', 'cancel'],
  duplicate: [],
  missing: [],
};

export function actionsFor(state: FileState): Action[] {
  return ACTIONS[state];
}

export const ACTION_LABEL: Record<Action, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry' };

/** The queue's filter menu: a label and the states it shows (none = all). */
export const FILTERS: { id: string; label: string; states?: FileState[] }[] = [
  { id: 'all', label: 'All files' },
  { id: 'active', label: 'Uploading', states: ['uploading', 'completing'] },
  { id: 'waiting', label: 'Waiting', states: ['queued'] },
  { id: 'attention', label: 'Needs attention', states: ['needs-attention', 'failed'] },
  { id: 'paused', label: 'Paused', states: ['paused'] },
  { id: 'cancelled', label: 'Cancelled', states: ['cancelled'] },
  { id: 'done', label: 'Done', states: ['done', 'duplicate'] },
  { id: 'missing', label: 'File gone', states: ['missing'] },
];
