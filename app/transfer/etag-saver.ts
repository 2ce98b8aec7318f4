// BioT asks clients to save each part's ETag on its side as soon as the part
// lands, so progress survives there too. Sending one call per part would cost
// a round trip each; batching by count or age keeps it cheap. A failed save is
// not fatal: complete carries every ETag in its body anyway.
import type { PartEtag } from '../biot/types.ts';

export interface EtagSaverDeps {
  save(parts: readonly PartEtag[]): Promise<void>;
  markSaved(partNumbers: readonly number[]): void;
  onError(error: unknown): void;
  batchSize: number;
  maxAgeMs: number;
  now?: () => number;
}

export class EtagSaver {
  readonly #deps: EtagSaverDeps;
  #pending: PartEtag[] = [];
  #oldest = 0;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(deps: EtagSaverDeps) {
    this.#deps = deps;
  }

  /** Notes a landed part; starts a save when the batch is full or old enough. */
  add(part: PartEtag): void {
    const now = (this.#deps.now ?? Date.now)();
    if (this.#pending.length === 0) this.#oldest = now;
    this.#pending.push(part);
    if (this.#pending.length >= this.#deps.batchSize || now - this.#oldest >= this.#deps.maxAgeMs) void this.flush();
  }

  /** Saves whatever is pending; resolves when every save started so far has ended. */
  flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) {
      this.#inFlight = this.#inFlight.then(async () => {
        try {
          await this.#deps.save(batch);
          this.#deps.markSaved(batch.map((p) => p.partNumber));
        } catch (error) {
          this.#deps.onError(error);
        }
      });
    }
    return this.#inFlight;
  }
}
