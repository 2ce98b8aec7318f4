// Numbered migrations, Signal-style: each schema version is one file, all the
// pending ones run in ONE transaction with PRAGMA user_version moved at its end,
// and a database from a newer app is refused rather than half-understood.
import type { Db } from './db.ts';
import { MigrationFailedError, StoreTooNewError } from './errors.ts';

/** One schema step. `up` is SQL or a function for steps SQL alone cannot express. */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Db) => void);
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: number[];
}

/** The schema version recorded in the file (0 for a new file). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply every pending migration in one transaction; refuse a newer database. */
export function migrate(db: Db, migrations: readonly Migration[]): MigrationResult {
  checkNumbering(migrations);
  const target = migrations.length;
  // Read and write under one IMMEDIATE lock so two processes opening a new
  // file at once do not both run 001.
  const run = db.transaction((): MigrationResult => {
    const from = schemaVersion(db);
    if (from > target) throw new StoreTooNewError(from, target);
    const pending = migrations.filter((m) => m.version > from);
    for (const m of pending) {
      try {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
      } catch (e) {
        throw new MigrationFailedError(m.version, m.name, e);
      }
    }
    // user_version lives in the file header and is part of this transaction:
    // a failure above rolls it back with the tables.
    if (pending.length > 0) db.pragma(`user_version = ${target}`);
    return { from, to: Math.max(from, target), applied: pending.map((m) => m.version) };
  });
  return run.immediate();
}

// Versions must be exactly 1..n: a gap or a duplicate is a packaging mistake
// that would otherwise skip or repeat a step on some machines.
function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations must be numbered 1..n in order; position ${i + 1} holds v${m.version}`);
    }
  });
}
