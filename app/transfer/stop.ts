// Pausing, cancelling and shutting down abort a transfer with a sentinel
// reason rather than an error (Uppy's habit), so the transfer can tell a
// person's decision from a failure and act on it: cancel tells BioT, pause
// and shutdown keep the upload resumable.

export type StopReason = 'pause' | 'cancel' | 'shutdown';

export class StopRequest extends Error {
  override name = 'StopRequest';
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super(`transfer stopped: ${reason}`);
    this.reason = reason;
  }
}

/** The stop reason behind an aborted signal, if it was a person's or the engine's decision. */
export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  return signal.aborted && signal.reason instanceof StopRequest ? signal.reason.reason : undefined;
}
