// History: every finished upload (and each duplicate recognised instead of
// re-sent) with when, how big, the BioT file id and the entity it was
// attached to; searchable, and exported as CSV page by page from the engine.
import type { HistoryRow, UploaderApi } from '../../app/api.ts';
import { toCsv } from '../lib/csv.ts';
import { h, searchInput, setText } from '../lib/dom.ts';
import { folderNames } from '../lib/folder-names.ts';
import { formatBytes, formatTime } from '../lib/format.ts';
import { verdictWords } from '../lib/verdict-words.ts';
import { VirtualList, type RowView } from './virtual-list.ts';

const EXPORT_PAGE = 1_000;

export function createHistoryView(api: UploaderApi, onError: (e: unknown) => void): { el: HTMLElement; refresh(): Promise<void> } {
  let search = '';
  const count = h('span', { class: 'count' });
  const empty = h('div', { class: 'empty', hidden: true }, 'Nothing uploaded yet.');
  const list = new VirtualList<HistoryRow>({
    rowHeight: 40,
    fetchPage: (offset, limit) => api.history({ ...(search && { search }), limit, offset }),
    createRow: createHistoryRow,
    onTotal(n) {
      setText(count, `${n.toLocaleString()} finished`);
      empty.hidden = n > 0;
    },
    onError,
  });
  const searchBox = searchInput('Search history', (text) => {
    search = text;
    void list.reset();
  });
  const exportButton = h('button', { type: 'button', class: 'export', onclick: () => void exportCsv() }, 'Export CSV');

  async function exportCsv() {
    exportButton.disabled = true;
    try {
      const rows: HistoryRow[] = [];
      for (let offset = 0; ; offset += EXPORT_PAGE) {
        const page = await api.history({ ...(search && { search }), limit: EXPORT_PAGE, offset });
        rows.push(...page.rows);
        if (page.rows.length < EXPORT_PAGE || rows.length >= page.matching) break;
      }
      const csv = toCsv(
        [
          'finished',
          'folder',
          'file',
          'bytes',
          'result',
          'biot_file_id',
          'entity_type',
          'entity_id',
          'duplicate_of_queue_id',
          'verification',
          'verification_reason',
        ],
        rows.map((r) => [
          new Date(r.at).toISOString(),
          r.folderId,
          r.relPath,
          r.size,
          r.state === 'done' ? 'uploaded' : 'duplicate',
          r.biotFileId,
          r.entityType,
          r.entityId,
          r.duplicateOf,
          r.verification ?? 'not-checked',
          r.verificationReason,
        ]),
      );
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = h('a', { href: url, download: `device-uploader-history-${new Date().toISOString().slice(0, 10)}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      onError(error);
    } finally {
      exportButton.disabled = false;
    }
  }

  void list.reset();
  return {
    el: h(
      'section',
      { class: 'view view-history', 'aria-label': 'History' },
      h('div', { class: 'toolbar' }, searchBox, count, h('span', { class: 'spacer' }), exportButton),
      h(
        'div',
        { class: 'h-head', 'aria-hidden': 'true' },
        ...['Finished', 'File', 'Size', 'BioT file id', 'Attached to', 'Result'].map((t) => h('span', {}, t)),
      ),
      h('div', { class: 'list-wrap' }, list.element, empty),
    ),
    refresh: () => list.refresh(),
  };
}

function createHistoryRow(): RowView<HistoryRow> {
  const cells = [0, 1, 2, 3, 4, 5].map(() => h('span', {}));
  const el = h('div', { class: 'h-row', role: 'listitem' }, ...cells);
  const [when, file, size, fileId, entity, result] = cells as [HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement];
  return {
    el,
    update(row) {
      if (!row) {
        for (const c of cells) setText(c, '');
        setText(file, 'Loading…');
        return;
      }
      el.dataset.id = String(row.id);
      setText(when, formatTime(row.at));
      setText(file, `${folderNames.label(row.folderId)} / ${row.relPath}`);
      // The whole name on hover: the cell is cut to the column's width.
      file.title = folderNames.fullPath(row.folderId, row.relPath);
      setText(size, formatBytes(row.size));
      setText(fileId, row.biotFileId ?? '');
      fileId.title = row.biotFileId ?? '';
      setText(entity, row.entityId ? `${row.entityType ?? 'entity'} ${row.entityId}` : '—');
      entity.title = row.entityId ? `${row.entityType ?? 'entity'} ${row.entityId}` : '';
      const verdict = verdictWords(row);
      const duplicate = row.state !== 'done';
      const rewritten = row.postActionError === 'SOURCE_REWRITTEN';
      setText(result, (duplicate ? 'Same as an earlier upload' : verdict.short) + (rewritten ? '; rewritten since, sent again' : ''));
      result.title = [
        duplicate ? `The same content was uploaded before (queue #${row.duplicateOf}), so it was not sent again.` : '',
        verdict.long,
        row.postActionError === 'UNVERIFIED' ? 'The source file was kept because of this.' : '',
        rewritten
          ? 'The source file was kept: it was rewritten after it was sent (same size and time), so its new content was queued as a new upload.'
          : '',
      ]
        .filter(Boolean)
        .join(' ');
      result.className = row.state !== 'done' ? 'dup' : row.verification === 'verified' ? 'ok' : 'unverified';
    },
  };
}
