// Public surface of app/store: import from here, not from the modules.

/** The queue's file inside the data folder. */
export const DATABASE_FILE = 'queue.db';
export { openStore, type OpenStoreOptions } from './open-store.ts';
export { Store } from './store.ts';
export { canTransition, allowedTransitions, isFileState, FILE_STATES, type FileState } from './states.ts';
export { StoreTooNewError, MigrationFailedError, IllegalTransitionError, NotFoundError, StoreConflictError } from './errors.ts';
export { MIGRATIONS } from './migrations/index.ts';
export type { Migration, MigrationResult } from './migrate.ts';
export type * from './types.ts';
