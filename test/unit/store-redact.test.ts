// Error text scrubbing: the last line of defence between an OS error message
// and a patient's name in the database.
import { describe, expect, it } from 'vitest';
import { scrubErrorText } from '../../app/store/redact.ts';

describe('scrubErrorText', () => {
  it.each([
    ["ENOENT: no such file or directory, open 'C:\\exports\\Doe_John.edf'", 'ENOENT: no such file or directory, open <path>'],
    ['EBUSY: resource busy or locked, open "D:/Holter/Smith.dat"', 'EBUSY: resource busy or locked, open <path>'],
    ['EACCES: permission denied, open /home/clinic/exports/Smith.dat', 'EACCES: permission denied, open <path>'],
    ['cannot read \\\\server\\share\\Smith.dat now', 'cannot read <path> now'],
    ['socket hang up', 'socket hang up'],
    ['HTTP 403 from https://s3.example:7480/bucket/Smith.dat?X-Amz-Signature=abc', 'HTTP 403 from https://s3.example:7480/<...>'],
  ])('%s', (input, expected) => {
    expect(scrubErrorText(input)).toBe(expected);
  });

  it("removes the row's own names even without a path around them", () => {
    expect(scrubErrorText('Smith_Jane.edf changed while reading', ['/x/Smith_Jane.edf', 'Smith_Jane.edf'])).toBe('<file> changed while reading');
  });

  it('caps the length', () => {
    expect(scrubErrorText('x'.repeat(2_000))).toHaveLength(500);
  });
});
