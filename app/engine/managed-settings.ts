// Settings and the machine's managed keys (app/config/managed.ts): a save
// that changes a locked key is refused with the field named, whatever window
// or script sent it; and what is written back to config.json keeps the
// person's own values under the locked keys, so the file still says what the
// person chose if IT ever lifts the lock. A locked server's secret may still
// be entered: it may be the person's own.
import type { FieldError, FolderSettings, SettingsInput, SettingsView, TransferLimits } from '../api.ts';
import { isLocked } from '../config/managed.ts';
import type { Config } from '../config/schema.ts';

type Raw = Record<string, unknown>;

export const SET_BY_IT = 'set by your IT department';

/** The fields of `input` that differ, under a locked key, from what Settings shows now (`view`). */
export function lockedChanges(locked: readonly string[], view: SettingsView, input: SettingsInput): FieldError[] {
  if (locked.length === 0) return [];
  const errors: FieldError[] = [];
  const refuse = (field: string) => errors.push({ field, message: SET_BY_IT });
  if (isLocked(locked, 'server.baseUrl') && input.server.baseUrl !== view.server.baseUrl) refuse('server.baseUrl');
  const [a, b] = [input.server.auth, view.server.auth];
  if (isLocked(locked, 'server.auth') && a.type !== b.type) refuse('server.auth.type');
  else if (isLocked(locked, 'server.auth') && (a.type === 'user' ? a.username : a.id) !== (b.type === 'user' ? b.username : b.id)) {
    refuse(a.type === 'user' ? 'server.auth.username' : 'server.auth.id');
  }
  if (isLocked(locked, 'folders')) {
    if (input.folders.length !== view.folders.length) refuse('folders');
    else {
      input.folders.forEach((f, i) => {
        const now = view.folders[i]!;
        const changed = (Object.keys(now) as (keyof FolderSettings)[]).find((k) => JSON.stringify(f[k] ?? null) !== JSON.stringify(now[k] ?? null));
        if (changed) refuse(`folders[${i}].${changed}`);
      });
    }
  }
  for (const [key, value] of Object.entries(input.transfer)) {
    if (isLocked(locked, `transfer.${key}`) && value !== view.transfer[key as keyof TransferLimits]) refuse(`transfer.${key}`);
  }
  return errors;
}

/**
 * The merged JSON to write, with the person's own values (or none) back under
 * the keys the machine locks. A locked server is written only when a new
 * secret was entered for it (the managed login, the person's secret).
 */
export function keepOwnValues(merged: Raw, own: Raw, current: Config, input: SettingsInput): Raw {
  const locked = current.managed?.locked ?? [];
  const out: Raw = { ...merged };
  const a = input.server.auth;
  const newSecret = a.type === 'user' ? a.password : a.secretKey;
  for (const key of locked) {
    if (key === 'server' && newSecret) continue;
    const [top, sub] = key.split('.') as [string, string | undefined];
    if (sub === undefined) {
      if (own[top] === undefined) delete out[top];
      else out[top] = own[top];
      continue;
    }
    const section = { ...((out[top] as Raw | undefined) ?? {}) };
    const ownSection = (own[top] as Raw | undefined) ?? {};
    if (ownSection[sub] === undefined) delete section[sub];
    else section[sub] = ownSection[sub];
    out[top] = section;
  }
  return out;
}
