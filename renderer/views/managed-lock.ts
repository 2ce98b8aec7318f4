// Keys the machine's managed settings set (SettingsView.locked) are shown
// but cannot be changed here: their boxes are disabled and greyed, with
// "set by your IT department" beside them. The engine refuses a change to
// them as well; this only says so before anyone tries.
import { h } from '../lib/dom.ts';

const NOTE = 'Set by your IT department';
const SECTION_NOTE = 'Set by your IT department: the greyed settings cannot be changed here.';

function covers(locked: readonly string[], field: string): boolean {
  return locked.some((l) => field === l || field.startsWith(`${l}.`) || field.startsWith(`${l}[`));
}

/** Disables what `locked` covers in a Settings form; the secret stays enterable (it may be the person's own). */
export function lockManaged(form: HTMLElement, locked: readonly string[] | undefined): void {
  if (!locked?.length) return;
  for (const input of form.querySelectorAll<HTMLInputElement>('[data-field]')) {
    const field = input.dataset.field ?? '';
    if (/^server\.auth\.(password|secretKey)$/.test(field) || !covers(locked, field)) continue;
    input.disabled = true;
    input.title = NOTE;
    input.closest('.field')?.classList.add('locked');
    // Said once per section, under its title, rather than under every box.
    const section = input.closest('fieldset');
    if (section && !section.querySelector(':scope > .locked-note'))
      section.querySelector(':scope > legend')?.after(h('p', { class: 'locked-note' }, SECTION_NOTE));
  }
  // A managed folder list is the list: no adding or removing either.
  if (locked.includes('folders')) {
    for (const b of form.querySelectorAll<HTMLButtonElement>('.add-folder, .remove-folder')) {
      b.disabled = true;
      b.title = NOTE;
    }
  }
}
