// The auto-update settings the desktop app starts with, read from the config
// it runs on (config-source.ts) without starting an engine: only the `updates`
// key matters here, and a config the engine will refuse for another reason
// must not also switch updates off. A UTF-8 BOM (Notepad) is skipped. No config (the first-run demo) or an
// unreadable one: the defaults (on, from the URL built into the app).
import { readFileSync } from 'node:fs';
import { updatesSchema, type UpdatesConfig } from '../app/config/schema.ts';
import type { ConfigSource } from '../app/host/config-source.ts';

export function updateSettings(source: ConfigSource): UpdatesConfig {
  const fallback = updatesSchema.parse({});
  if (source.kind === 'demo') return fallback;
  try {
    const raw = JSON.parse(readFileSync(source.file, 'utf8').replace(/^\uFEFF/, '')) as { updates?: unknown };
    const parsed = updatesSchema.safeParse(raw.updates ?? {});
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}
