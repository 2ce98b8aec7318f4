// Form controls for Settings. Each carries data-field = the config key it
// edits ("folders[0].path"), so an error the engine names lands next to the
// right box.
import { h } from '../lib/dom.ts';

export interface Field {
  el: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
}

export function textField(label: string, field: string, value: string, extra: Record<string, string> = {}): Field {
  const input = h('input', { type: 'text', value, 'data-field': field, ...extra });
  input.value = value;
  return wrap(label, field, input);
}

export function numberField(label: string, field: string, value: number, hint?: string): Field {
  const input = h('input', { type: 'number', step: 'any', 'data-field': field, inputmode: 'decimal' });
  input.value = String(value);
  return wrap(label, field, input, hint);
}

export function selectField(label: string, field: string, value: string, options: [string, string][]): Field {
  const input = h('select', { 'data-field': field }, ...options.map(([v, text]) => h('option', { value: v }, text)));
  input.value = value;
  return wrap(label, field, input);
}

export function checkField(label: string, field: string, checked: boolean): Field {
  const input = h('input', { type: 'checkbox', 'data-field': field });
  input.checked = checked;
  const el = h('label', { class: 'field check' }, input, h('span', {}, label));
  return { el, input };
}

export function linesField(label: string, field: string, lines: string[], hint: string): Field {
  const input = h('textarea', { rows: 2, 'data-field': field });
  input.value = lines.join('\n');
  return wrap(label, field, input, hint);
}

function wrap(label: string, field: string, input: Field['input'], hint?: string): Field {
  const id = `f-${field.replace(/[^\w]/g, '_')}`;
  input.id = id;
  const el = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint' }, hint) : null,
    h('span', { class: 'field-error', 'data-error-for': field }),
  );
  return { el, input };
}

/** A number box's value, or undefined when it is not a number (reported before saving). */
export function numberOf(input: Field['input']): number | undefined {
  const n = Number(input.value);
  return input.value.trim() === '' || !Number.isFinite(n) ? undefined : n;
}

export function linesOf(input: Field['input']): string[] {
  return input.value
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
