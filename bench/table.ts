// A scenario's result: one markdown table (rows = tools, columns = figures)
// plus notes, printed to stdout and saved as JSON under bench/results/.

export interface Table {
  scenario: string;
  title: string;
  columns: string[];
  rows: string[][];
  notes: string[];
  /** Raw figures per row, for the JSON file (runs, medians, units). */
  data: Record<string, unknown>[];
}

export function renderTable(table: Table): string {
  const lines = [`### ${table.title}`, ''];
  lines.push(`| ${table.columns.join(' | ')} |`);
  lines.push(`| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of table.rows) lines.push(`| ${row.join(' | ')} |`);
  if (table.notes.length) {
    lines.push('');
    for (const note of table.notes) lines.push(`- ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** "0.87×" of a value against the best reference (higher is better unless lowerIsBetter). */
export function ratio(value: number, best: number, lowerIsBetter = false): string {
  if (!Number.isFinite(value) || !Number.isFinite(best) || best <= 0 || value <= 0) return '—';
  const r = lowerIsBetter ? best / value : value / best;
  return `${r.toFixed(2)}×`;
}
