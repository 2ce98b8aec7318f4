// The shell's own small memory (not the engine's config): whether the
// "still running" notice was shown. A JSON file in the app's data folder;
// unreadable means defaults, never a crash.
import { readFileSync } from 'node:fs';
import { writeConfigFile } from '../app/config/save.ts';

export interface Prefs {
  closeNoticeShown: boolean;
}

const DEFAULTS: Prefs = { closeNoticeShown: false };

export function filePrefs(file: string): { get(key: keyof Prefs): boolean; set(key: keyof Prefs, value: boolean): void } {
  let prefs: Prefs;
  try {
    prefs = { ...DEFAULTS, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<Prefs>) };
  } catch {
    prefs = { ...DEFAULTS };
  }
  return {
    get: (key) => prefs[key] === true,
    set(key, value) {
      prefs = { ...prefs, [key]: value };
      writeConfigFile(file, prefs);
    },
  };
}
