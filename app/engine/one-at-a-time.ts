// Tasks that must not overlap when they share a key, run in the order they
// asked. BioT has no compare-and-set on an entity's attribute: two uploads of
// this engine that read "free" and then both write would leave one file
// unattached (BioT keeps the later write), so attaches to one entity +
// attribute take turns here.

export class OneAtATime {
  /** The last task asked for each key, settled or not; gone once it settled with nobody behind it. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` once every task asked earlier with `key` has settled; answers what it answers. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (tests check that nothing is left behind). */
  get size(): number {
    return this.#tails.size;
  }
}
