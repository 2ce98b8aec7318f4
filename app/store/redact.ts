// Error text comes from the OS and HTTP libraries, which like to quote paths
// ("ENOENT: no such file or directory, open 'C:\exports\Doe_John.edf'").
// Patient names live in those paths, so scrub before the text is stored.

const QUOTED_PATH = /(['"`])(?:[A-Za-z]:[\\/]|\\\\|\/|~[\\/]|\.{1,2}[\\/])[^'"`]*\1/g;
// A URL's path and query can hold an object key or a signature: keep the origin only.
const URL_TAIL = /\b(https?:\/\/[^/\s?#'"`]+)[^\s'"`]*/g;
const BARE_WINDOWS_PATH = /(?:(?<![A-Za-z])[A-Za-z]:[\\/]|\\\\)[^\s'"`,;)]+/g;
const BARE_POSIX_PATH = /(?<![\w.:/])\/(?:[^\s'"`,;)/]+\/)+[^\s'"`,;)]*/g;

/** Replace path-like text and the file's own names with placeholders. */
export function scrubErrorText(text: string, own: readonly string[] = []): string {
  let out = text;
  // The row's own path, relative path and base name, longest first so a
  // shorter one does not break up a longer match.
  for (const name of [...own].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(name).join('<file>');
  }
  out = out.replace(URL_TAIL, '$1/<...>');
  out = out.replace(QUOTED_PATH, '<path>').replace(BARE_WINDOWS_PATH, '<path>').replace(BARE_POSIX_PATH, '<path>');
  return out.length > 500 ? `${out.slice(0, 497)}...` : out;
}
