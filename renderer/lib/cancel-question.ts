// Cancel on a file that is being sent throws away what BioT already has of
// it (the upload is cancelled there too), so the window asks once before. A
// file that has sent nothing yet is cancelled without a question: nothing is lost.
import type { QueueRow } from '../../app/api.ts';

/** The question to ask before cancelling `row`, or undefined when nothing sent would be lost. */
export function cancelQuestion(row: Pick<QueueRow, 'state' | 'bytesDone' | 'relPath'> | undefined): string | undefined {
  if (!row) return undefined;
  const sending = row.state === 'uploading' || row.state === 'completing';
  if (!sending && row.bytesDone === 0) return undefined;
  return `Cancel the upload of ${row.relPath}? What was sent so far is discarded; Retry would start it again from the beginning.`;
}
