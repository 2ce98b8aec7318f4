// The settler's one timer wheel: every path's next look is a (due time, key)
// pair in a binary min-heap, and a single timer is armed for the earliest.
// At 100,000 files a timer object and closure per file cost memory and make
// Node's timer lists churn; the heap costs two small arrays of numbers and keys.
// Entries are never removed from the middle: a newer schedule for a key makes
// the older one stale (its ticket no longer matches), and stale ones are
// skipped when they come out.

interface Slot<K> {
  at: number;
  key: K;
  ticket: number;
}

export class DueHeap<K> {
  readonly #slots: Slot<K>[] = [];

  get size(): number {
    return this.#slots.length;
  }

  /** The earliest due time, or Infinity when empty. */
  get nextAt(): number {
    return this.#slots[0]?.at ?? Infinity;
  }

  push(at: number, key: K, ticket: number): void {
    const slots = this.#slots;
    slots.push({ at, key, ticket });
    let i = slots.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (slots[parent]!.at <= at) break;
      [slots[i], slots[parent]] = [slots[parent]!, slots[i]!];
      i = parent;
    }
  }

  /** Removes and answers every slot due at or before `now`, earliest first. */
  popDue(now: number): Slot<K>[] {
    const out: Slot<K>[] = [];
    while (this.#slots.length > 0 && this.#slots[0]!.at <= now) out.push(this.#pop());
    return out;
  }

  clear(): void {
    this.#slots.length = 0;
  }

  #pop(): Slot<K> {
    const slots = this.#slots;
    const top = slots[0]!;
    const last = slots.pop()!;
    if (slots.length > 0) {
      slots[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < slots.length && slots[l]!.at < slots[m]!.at) m = l;
        if (r < slots.length && slots[r]!.at < slots[m]!.at) m = r;
        if (m === i) break;
        [slots[i], slots[m]] = [slots[m]!, slots[i]!];
        i = m;
      }
    }
    return top;
  }
}
