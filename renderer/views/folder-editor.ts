// One watched folder in Settings. Every FolderSettings key is listed once,
// in screen order, with its control, its value for a new folder and how it
// is read back; the type makes a key added to FolderSettings a compile error
// here until it has all three.
import type { FieldError, FolderSettings } from '../../app/api.ts';
import { h } from '../lib/dom.ts';
import { checkField, linesField, linesOf, numberField, numberOf, selectField, textField, type Field } from './settings-fields.ts';

interface FolderField<K extends keyof FolderSettings> {
  /** A new folder's value. */
  blank: FolderSettings[K];
  make(field: string, value: FolderSettings[K]): Field;
  /** The control's value; undefined for a number box that holds no number. */
  read(field: Field): FolderSettings[K] | undefined;
  /** Shown with the other check boxes. */
  check?: true;
}

const text = (f: Field) => f.input.value.trim();
const checked = (f: Field) => (f.input as HTMLInputElement).checked;

const FIELDS: { [K in keyof FolderSettings]-?: FolderField<K> } = {
  path: { blank: '', make: (k, v) => textField('Folder path', k, v, { placeholder: 'D:\\Exports\\Holter' }), read: text },
  id: { blank: '', make: (k, v) => textField('Name in the queue', k, v, { placeholder: 'made from the folder when empty' }), read: text },
  quietSeconds: { blank: 5, make: (k, v) => numberField('Wait until unchanged for (s)', k, v), read: (f) => numberOf(f.input) },
  duplicates: {
    blank: 'skip',
    make: (k, v) =>
      selectField('Same content again', k, v, [
        ['skip', 'record it, do not upload again'],
        ['upload', 'upload it again'],
      ]),
    read: (f) => f.input.value as FolderSettings['duplicates'],
  },
  afterUpload: {
    blank: 'leave',
    make: (k, v) =>
      selectField('After upload', k, v, [
        ['leave', 'leave the file'],
        ['move', 'move it to the archive folder'],
        ['delete', 'delete it'],
      ]),
    read: (f) => f.input.value as FolderSettings['afterUpload'],
  },
  archiveDir: { blank: undefined, make: (k, v) => textField('Archive folder', k, v ?? ''), read: (f) => text(f) || undefined },
  recursive: { blank: true, make: (k, v) => checkField('Include subfolders', k, v), read: checked, check: true },
  ignoreTemporary: { blank: true, make: (k, v) => checkField('Skip hidden and temporary files', k, v), read: checked, check: true },
  growing: { blank: false, make: (k, v) => checkField('Upload while the device is still writing', k, v), read: checked, check: true },
  include: { blank: ['**/*'], make: (k, v) => linesField('Include', k, v, 'one pattern per line, e.g. **/*.edf'), read: (f) => linesOf(f.input) },
  exclude: { blank: [], make: (k, v) => linesField('Exclude', k, v, 'one pattern per line'), read: (f) => linesOf(f.input) },
};

const KEYS = Object.keys(FIELDS) as (keyof FolderSettings)[];

/** What a folder added in Settings starts with. */
export function blankFolder(): FolderSettings {
  const entries = KEYS.filter((k) => FIELDS[k].blank !== undefined).map((k) => [k, structuredClone(FIELDS[k].blank)]);
  return Object.fromEntries(entries) as unknown as FolderSettings;
}

export function folderEditor(f: FolderSettings, at: number, remove: () => void) {
  let index = at;
  const k = (key: string) => `folders[${index}].${key}`;
  const spec = <K extends keyof FolderSettings>(key: K) => FIELDS[key] as FolderField<K>;
  const fields = Object.fromEntries(KEYS.map((key) => [key, spec(key).make(k(key), f[key])])) as Record<keyof FolderSettings, Field>;
  const checks = h('div', { class: 'checks' });
  const grid = h('div', { class: 'grid' });
  for (const key of KEYS) {
    if (!FIELDS[key].check) grid.append(fields[key].el);
    else {
      if (!checks.childElementCount) grid.append(checks);
      checks.append(fields[key].el);
    }
  }
  const el = h(
    'div',
    { class: 'folder', 'data-folder': index },
    h(
      'div',
      { class: 'folder-head' },
      h('strong', { class: 'folder-title' }, `Folder ${index + 1}`),
      h('button', { type: 'button', class: 'remove-folder', onclick: remove }, 'Remove'),
    ),
    grid,
  );
  const read = (): { value: FolderSettings; errors: FieldError[] } => {
    const read = KEYS.map((key) => [key, spec(key).read(fields[key])] as const);
    const value = Object.fromEntries(read.filter(([, v]) => v !== undefined)) as Partial<FolderSettings>;
    if (value.quietSeconds !== undefined) return { value: value as FolderSettings, errors: [] };
    return { value: { ...value, quietSeconds: 0 } as FolderSettings, errors: [{ field: k('quietSeconds'), message: 'enter a number of seconds' }] };
  };
  const renumber = (next: number) => {
    const swap = (v: string) => v.replace(/^folders\[\d+\]/, `folders[${next}]`);
    for (const node of el.querySelectorAll<HTMLElement>('[data-field]')) node.dataset.field = swap(node.dataset.field ?? '');
    for (const node of el.querySelectorAll<HTMLElement>('[data-error-for]')) node.dataset.errorFor = swap(node.dataset.errorFor ?? '');
    el.querySelector('.folder-title')!.textContent = `Folder ${next + 1}`;
    el.dataset.folder = String(next);
    index = next;
  };
  return { el, read, renumber };
}
