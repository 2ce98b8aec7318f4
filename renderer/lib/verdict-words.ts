// How BioT's copy of a finished file was checked, in words for clinic staff.
// The short form fits the History's Result column; the long one is its hover
// text. The codes (PUT_ETAG, OPAQUE_ETAG...) stay in the CSV export, for support.
import type { HistoryRow } from '../../app/api.ts';

export function verdictWords(row: Pick<HistoryRow, 'verification' | 'verificationReason'>): { short: string; long: string } {
  switch (row.verification) {
    case 'verified':
      return row.verificationReason === 'PUT_ETAG'
        ? { short: 'Uploaded, checked', long: 'BioT’s storage confirmed it received exactly the bytes of this file.' }
        : { short: 'Uploaded, checked', long: 'BioT’s copy was read back and matches this file.' };
    case 'not-checkable':
      return {
        short: 'Uploaded, not checked',
        long: `Uploaded, but BioT’s copy could not be compared with this file (${row.verificationReason ?? 'no reason given'}).`,
      };
    case 'mismatch':
      return {
        short: 'BioT’s copy differs',
        long: `BioT’s copy does not match this file (${row.verificationReason ?? 'mismatch'}). Call your BioT administrator.`,
      };
    default:
      return { short: 'Uploaded', long: 'Uploaded; BioT’s copy was not checked.' };
  }
}
