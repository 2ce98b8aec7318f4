// Reading a Retry-After header (RFC 9110 §10.2.3): a loaded BioT or storage
// answers 429 or 503 with how long to wait, as seconds or as an HTTP date.

/** A server asking for longer than this is taken at this: uploads must not sit for hours on one header. */
export const RETRY_AFTER_CAP_MS = 10 * 60_000;

// The three date forms a recipient must accept: IMF-fixdate and RFC 850 (both
// say GMT), and asctime (GMT without saying so: Date.parse would take it as
// local time, so GMT is added before parsing).
const zonedDate = /^[A-Z][a-z]{2,8}, \d{2}[ -][A-Z][a-z]{2}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
const asctime = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * How long the header asks to wait, in ms (0 to the cap), or undefined when
 * there is none or it is not readable. A date is measured from the answer's
 * own Date (`serverNow`) when it has one: both are on the server's clock, so
 * a PC clock that is off does not change the wait.
 */
export function retryAfterMs(header: string | string[] | undefined, serverNow: number, cap = RETRY_AFTER_CAP_MS): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, cap);
  const at = zonedDate.test(value) ? Date.parse(value) : asctime.test(value) ? Date.parse(`${value} GMT`) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - serverNow), cap);
}

/** Whether an answer's status is one whose Retry-After is honoured: too many requests, or the server unable for now. */
export function asksToWait(status: number): boolean {
  return status === 429 || status === 503;
}
