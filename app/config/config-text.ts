// What every reader of a config file says when it is wrong: one ConfigError
// whose message names the file and the key (never the text around a mistake,
// which may be a password).

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * JSON.parse with an error that says where, never what: Node's own message
 * quotes the text around the mistake, which may be a password.
 */
export function parseJsonText(text: string, file: string): unknown {
  // Windows Notepad saves UTF-8 with a byte order mark; JSON.parse refuses it.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const at = errorPosition(body, (error as Error).message);
    const where = at === undefined ? '' : ` near ${lineAndColumn(body, at)}`;
    throw new ConfigError(`config file ${file} is not valid JSON${where}`);
  }
}

// Node gives either "at position N" or a quoted snippet around the mistake; the
// snippet is only used to find the place, it never reaches the message.
function errorPosition(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  const snippet = /, (?:\.\.\.)?"(.+)"(?:\.\.\.)? is not valid JSON$/.exec(message)?.[1];
  const found = snippet ? text.indexOf(snippet) : -1;
  return found >= 0 ? found + Math.floor((snippet as string).length / 2) : undefined;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** A zod issue path as the config file's key: `folders[0].path`, '' for the top level. */
export function configKey(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}
