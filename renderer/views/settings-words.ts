// Settings speaks in the labels staff see on the form, never in config keys:
// "Folder 2, Folder: no such folder on this PC", not "folders[1].path"; "Files at
// once applies after a restart", not "transfer.parallelFiles". The label is
// read from the form itself (each box carries its key in data-field), so
// there is no second list of labels to keep in step.

/** Keys the engine may name that have no box of their own on the form. */
const OTHER: Record<string, string> = {
  server: 'BioT server and login',
  'server.auth': 'Login',
  folders: 'Watched folders',
  transfer: 'Transfer limits',
  network: 'Network (proxy and certificates)',
  '(config file)': 'Config file',
  '(top level)': 'Settings',
};

/** The words for a config key, as the form labels it. */
export function fieldLabel(form: HTMLElement, key: string): string {
  const box = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(key)}"]`);
  const own = box ? labelText(form, box) : undefined;
  const folder = /^folders\[(\d+)\]/.exec(key);
  const where = folder ? `Folder ${Number(folder[1]) + 1}` : undefined;
  if (own) return where ? `${where}, ${own}` : own;
  return where ?? OTHER[key] ?? OTHER[key.split('.')[0] ?? ''] ?? 'A setting';
}

function labelText(form: HTMLElement, box: HTMLElement): string | undefined {
  const label = box.id ? form.querySelector(`label[for="${CSS.escape(box.id)}"]`) : box.closest('label');
  return label?.textContent?.trim() || undefined;
}

/** "A", "A and B", "A, B and C". */
export function listOf(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** What a successful save says, with the settings that wait for a restart named by their labels. */
export function savedText(form: HTMLElement, restartNeeded: string[]): string {
  if (restartNeeded.length === 0) return 'Saved. The changes apply now.';
  const names = [...new Set(restartNeeded.map((k) => `“${fieldLabel(form, k)}”`))];
  return `Saved. ${listOf(names)} ${names.length === 1 ? 'takes' : 'take'} effect when Device Uploader restarts; the other changes apply now.`;
}
