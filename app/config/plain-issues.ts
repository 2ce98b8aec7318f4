// zod's messages are written for programmers ("Too small: expected number to
// be >=1", "Invalid input: expected int, received number"). The config file
// is edited by a clinic's IT person and Settings by clinic staff, so each
// kind of problem is said here in plain words. The key stays in front of it
// (the config file) or becomes the field's label (Settings, in the window).
// Messages the schema writes itself (refinements) are already plain and win.
import type { z } from 'zod';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

const KIND: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a group of settings (an object in braces)',
};

/** One problem in plain words (a zod error map: pass it as the `error` option of a parse). */
export function plainIssue(issue: Issue): string {
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'is required';
      return `must be ${KIND[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be more than ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `may have at most ${issue.maximum} entries`;
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a web address starting with https:// (or http://)';
      if (issue.format === 'regex') return 'may use only letters, digits, "-" and "_" (at most 64)';
      return 'is not in the expected form';
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return options?.length ? `must be one of: ${options.map((v) => JSON.stringify(v)).join(', ')}` : 'is not one of the accepted forms';
    }
    default:
      return 'is not accepted here';
  }
}
