// The pre-signed part links of one upload. Links are asked for in windows
// (not all 10,000 at once) and replaced before their own expirationTime: the
// docs give no fixed lifetime, so the margin is a share of each link's life.
import type { MultipartUpload } from '../biot/types.ts';

interface Link {
  url: string;
  expiresAt: number;
  fetchedAt: number;
}

export class LinkBook {
  readonly #links = new Map<number, Link>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the links of a create or partLinks answer. */
  add(answer: MultipartUpload): void {
    const fetchedAt = this.#now();
    for (const link of answer.signedUrls ?? []) {
      const expiresAt = Date.parse(link.expirationTime ?? '');
      this.#links.set(link.partNumber ?? 0, {
        url: link.signedUrl ?? '',
        expiresAt: Number.isFinite(expiresAt) ? expiresAt : fetchedAt + 60_000,
        fetchedAt,
      });
    }
  }

  /** A link that will still be valid when a request starts now, or undefined. */
  usable(partNumber: number): string | undefined {
    const link = this.#links.get(partNumber);
    if (!link) return undefined;
    const life = link.expiresAt - link.fetchedAt;
    const margin = Math.min(30_000, Math.max(250, life * 0.25));
    return this.#now() < link.expiresAt - margin ? link.url : undefined;
  }

  /** Whether BioT handed out a link for this part at all (usable or not). */
  has(partNumber: number): boolean {
    return this.#links.has(partNumber);
  }

  /** Forgets a link storage refused (403), so the next use fetches a fresh one. */
  drop(partNumber: number): void {
    this.#links.delete(partNumber);
  }
}
