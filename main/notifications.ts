// Notifications that respect the person: one per kind of problem, shown once
// until the problem has gone away (then it is withdrawn, and may be shown
// again). Success is not news: uploads say nothing. Bodies never name files
// or paths.
import type { Snapshot } from '../app/api.ts';

export type NoticeKind = 'login-refused' | 'folder-missing' | 'file-needs-attention' | 'engine-failing' | 'still-running';

export interface ShownNotification {
  close(): void;
}

export type ShowNotification = (n: { kind: NoticeKind; title: string; body: string }) => ShownNotification;

export class Notifier {
  readonly #show: ShowNotification;
  readonly #current = new Map<NoticeKind, ShownNotification>();
  readonly #active = new Set<NoticeKind>();

  constructor(show: ShowNotification) {
    this.#show = show;
  }

  /** A problem of `kind` is present: says so unless it already did since the kind last cleared. */
  problem(kind: NoticeKind, title: string, body: string): void {
    if (this.#active.has(kind)) return;
    this.#active.add(kind);
    this.#current.set(kind, this.#show({ kind, title, body }));
  }

  /** The problem has gone: its notification is withdrawn, and a new occurrence will be told. */
  clear(kind: NoticeKind): void {
    this.#active.delete(kind);
    this.#current.get(kind)?.close();
    this.#current.delete(kind);
  }
}

/** Turns a snapshot into the problem notifications it implies (and clears those that passed). */
export function notifyFromSnapshot(notifier: Notifier, snap: Pick<Snapshot, 'connection' | 'folders' | 'totals'>): void {
  const login = snap.connection.state === 'credentials-refused' || snap.connection.state === 'locked';
  if (login) notifier.problem('login-refused', 'BioT refused the login', 'Uploads wait until the login is fixed in Settings.');
  else notifier.clear('login-refused');
  const missing = snap.folders.filter((f) => f.state !== 'ok').length;
  if (missing > 0)
    notifier.problem('folder-missing', 'A watched folder is missing', 'Files there are not uploaded until it is back (is a drive unplugged?).');
  else notifier.clear('folder-missing');
  const attention = snap.totals.counts['needs-attention'];
  if (attention > 0) notifier.problem('file-needs-attention', 'A file needs attention', 'Open Device Uploader to see what to do.');
  else notifier.clear('file-needs-attention');
}
