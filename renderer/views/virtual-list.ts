// A virtualised list over a server-side query: only the rows on screen (plus
// a few) exist in the DOM, each a fixed-height element moved with a
// transform; rows arrive in pages from the engine as they scroll into view.
// So 100,000 matching rows cost one spacer's height, not 100,000 elements
// or 100,000 rows over the wire.

export interface Page<T> {
  rows: T[];
  matching: number;
}

export interface RowView<T> {
  el: HTMLElement;
  /** Draws a row; undefined while its page is loading. */
  update(row: T | undefined, index: number): void;
}

export interface VirtualListOptions<T> {
  rowHeight: number;
  pageSize?: number;
  fetchPage(offset: number, limit: number): Promise<Page<T>>;
  createRow(): RowView<T>;
  /** Told the total after every page (for counts and the empty message). */
  onTotal?(matching: number): void;
  onError?(error: unknown): void;
}

const OVERSCAN = 6;

export class VirtualList<T> {
  readonly element: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #opts: Required<Pick<VirtualListOptions<T>, 'pageSize'>> & VirtualListOptions<T>;
  readonly #pool: RowView<T>[] = [];
  #pages = new Map<number, T[]>();
  readonly #loading = new Set<number>();
  #total = 0;
  /** Bumped by reset(): answers to older queries are dropped. */
  #generation = 0;
  #frame = 0;

  constructor(options: VirtualListOptions<T>) {
    this.#opts = { pageSize: 100, ...options };
    this.element = document.createElement('div');
    this.element.className = 'vlist';
    this.element.setAttribute('role', 'list');
    this.#spacer = document.createElement('div');
    this.#spacer.className = 'vlist-spacer';
    this.element.append(this.#spacer);
    this.element.addEventListener('scroll', () => this.#schedule(), { passive: true });
    new ResizeObserver(() => this.#schedule()).observe(this.element);
  }

  get total(): number {
    return this.#total;
  }

  /** New query: forget every row and load from the top. Resolves when the first page is drawn. */
  async reset(): Promise<void> {
    this.#generation++;
    this.#pages = new Map();
    this.#loading.clear();
    this.element.scrollTop = 0;
    await this.#load(0);
  }

  /** Same query, fresher data: reloads the pages on screen (kept visible meanwhile). */
  async refresh(): Promise<void> {
    const [first, last] = this.#range();
    const pages = new Set<number>();
    for (let i = first; i <= Math.max(first, last); i++) pages.add(Math.floor(i / this.#opts.pageSize));
    // Pages off screen are stale now: drop them so scrolling fetches fresh ones.
    for (const p of [...this.#pages.keys()]) if (!pages.has(p)) this.#pages.delete(p);
    await Promise.all([...pages].map((p) => this.#load(p)));
  }

  /** Every row held in memory (for patching progress in place). */
  *cached(): Iterable<T> {
    for (const rows of this.#pages.values()) yield* rows;
  }

  /** Redraws the rows on screen from memory. */
  redraw(): void {
    this.#schedule();
  }

  async #load(page: number): Promise<void> {
    if (this.#loading.has(page)) return;
    this.#loading.add(page);
    const generation = this.#generation;
    try {
      const answer = await this.#opts.fetchPage(page * this.#opts.pageSize, this.#opts.pageSize);
      if (generation !== this.#generation) return;
      this.#pages.set(page, answer.rows);
      this.#setTotal(answer.matching);
      this.#draw();
    } catch (error) {
      this.#opts.onError?.(error);
    } finally {
      if (generation === this.#generation) this.#loading.delete(page);
    }
  }

  #setTotal(total: number): void {
    this.#total = total;
    this.#spacer.style.height = `${total * this.#opts.rowHeight}px`;
    this.#opts.onTotal?.(total);
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  #range(): [number, number] {
    const h = this.#opts.rowHeight;
    const first = Math.max(0, Math.floor(this.element.scrollTop / h) - OVERSCAN);
    const last = Math.min(this.#total - 1, Math.ceil((this.element.scrollTop + this.element.clientHeight) / h) + OVERSCAN);
    return [first, last];
  }

  #draw(): void {
    const [first, last] = this.#range();
    const count = Math.max(0, last - first + 1);
    while (this.#pool.length < count) {
      const view = this.#opts.createRow();
      view.el.classList.add('vlist-row');
      view.el.style.height = `${this.#opts.rowHeight}px`;
      this.#pool.push(view);
      this.element.append(view.el);
    }
    this.#pool.forEach((view, slot) => {
      const index = first + slot;
      if (slot >= count) {
        view.el.hidden = true;
        return;
      }
      view.el.hidden = false;
      view.el.style.transform = `translateY(${index * this.#opts.rowHeight}px)`;
      const page = Math.floor(index / this.#opts.pageSize);
      const rows = this.#pages.get(page);
      if (!rows) void this.#load(page);
      view.update(rows?.[index % this.#opts.pageSize], index);
    });
  }
}
