// "N uploads resumed where they stopped": said once per run of the uploader.
// The engine reports the count with its start time; once a person dismissed
// it, this window (and a reload of it) keeps quiet until the next run.

export interface ResumedNews {
  /** Takes the snapshot's `resumed` (absent when this run resumed nothing). */
  heard(resumed: { count: number; since: number } | undefined): void;
  /** How many to announce now; 0 when there is nothing to say. */
  count(): number;
  dismiss(): void;
}

const KEY = 'device-uploader.resumed-dismissed';

/** `storage` is a getter: reading window.sessionStorage itself throws in a locked-down profile. */
export function createResumedNews(storage: () => Pick<Storage, 'getItem' | 'setItem'>): ResumedNews {
  let news: { count: number; since: number } | undefined;
  const dismissedRun = () => {
    try {
      return storage().getItem(KEY) ?? undefined;
    } catch {
      return undefined; // storage refused (a locked-down profile): the news is then only dismissed in memory
    }
  };
  let dismissedHere: string | undefined;
  return {
    heard(resumed) {
      news = resumed && resumed.count > 0 ? resumed : undefined;
    },
    count() {
      if (!news) return 0;
      const run = String(news.since);
      return run === dismissedHere || run === dismissedRun() ? 0 : news.count;
    },
    dismiss() {
      if (!news) return;
      dismissedHere = String(news.since);
      try {
        storage().setItem(KEY, dismissedHere);
      } catch {
        // kept in memory only
      }
    },
  };
}
