// Notifications: once per kind until the problem clears, withdrawn when it does.
import { expect, it } from 'vitest';
import { Notifier, notifyFromSnapshot, type NoticeKind } from '../../main/notifications.ts';
import type { FileState, Snapshot } from '../../app/api.ts';
import { API_FILE_STATES } from '../../app/api-schemas.ts';

function recorder() {
  const shown: { kind: NoticeKind; body: string; closed: boolean }[] = [];
  const show = ({ kind, body }: { kind: NoticeKind; body: string }) => {
    const n = { kind, body, closed: false };
    shown.push(n);
    return { close: () => (n.closed = true) };
  };
  return { shown, show };
}

it('tells a problem once, however often it is seen, and again only after it cleared', () => {
  const { shown, show } = recorder();
  const notifier = new Notifier(show);
  for (let i = 0; i < 5; i++) notifier.problem('folder-missing', 't', 'b');
  expect(shown).toHaveLength(1);
  notifier.clear('folder-missing');
  expect(shown[0]!.closed).toBe(true); // withdrawn once the folder is back
  notifier.problem('folder-missing', 't', 'b');
  expect(shown).toHaveLength(2);
});

it('derives the problem kinds from a snapshot, with no file names or paths in the text', () => {
  const { shown, show } = recorder();
  const notifier = new Notifier(show);
  const counts = Object.fromEntries(API_FILE_STATES.map((s) => [s, 0])) as Record<FileState, number>;
  const snap: Pick<Snapshot, 'connection' | 'folders' | 'totals'> = {
    connection: { state: 'credentials-refused', advice: null, since: 0 },
    folders: [{ id: 'f', path: '/secret/Patient Smith', state: 'missing' }],
    totals: { counts: { ...counts, 'needs-attention': 2 }, doneToday: 0, speed: 0, bytesRemaining: 0, etaSeconds: null },
  };
  notifyFromSnapshot(notifier, snap);
  notifyFromSnapshot(notifier, snap);
  expect(shown.map((n) => n.kind)).toEqual(['login-refused', 'folder-missing', 'file-needs-attention']);
  expect(JSON.stringify(shown)).not.toMatch(/Smith|secret/);
});
