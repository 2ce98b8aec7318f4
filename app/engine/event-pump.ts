// Turns the engine's stream of changes (every chunk moves bytes) into a few
// events a second for UIs: changes are gathered and published on a timer, so
// a UI never receives one message per chunk whatever the file count. Each
// published event gets the next sequence number, so a UI can tell it missed one.
import type { EngineEvent, EngineEventBody } from '../api.ts';
import type { Disposable } from '../common/disposable.ts';

export type EventListener = (event: EngineEvent) => void;

/** Told when a listener or the event builder threw: `where` is 'listener' or 'build'. */
export type PumpErrorHandler = (where: 'listener' | 'build', error: unknown) => void;

export class EventPump implements Disposable {
  readonly #listeners = new Set<EventListener>();
  readonly #dirty = new Set<number>();
  readonly #intervalMs: number;
  readonly #build: (fileIds: number[]) => EngineEventBody[];
  readonly #onError: PumpErrorHandler;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * `build` turns the changed ids into the events to publish (read at publish
   * time, not per change). `onError` hears of listeners and builds that threw:
   * a UI's bug must never reach the engine that called emit() mid-write.
   */
  constructor(build: (fileIds: number[]) => EngineEventBody[], intervalMs = 250, onError: PumpErrorHandler = () => {}) {
    this.#build = build;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** Notes a change; publishes at most once per interval. With nobody listening there is nothing to note. */
  touch(fileId: number): void {
    if (this.#listeners.size === 0) return;
    this.#dirty.add(fileId);
    this.#timer ??= setTimeout(() => this.#publish(), this.#intervalMs);
  }

  /** Publishes an event now, outside the throttle (connection changes are rare and urgent). */
  emit(body: EngineEventBody): void {
    // Numbered only when someone hears it: a gap then always means a listener missed one.
    if (this.#listeners.size === 0) return;
    const event = { ...body, seq: ++this.#seq } as EngineEvent;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onError('listener', error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      // The last listener left: drop what it would have been told.
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#dirty.clear();
    };
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
    this.#dirty.clear();
  }

  #publish(): void {
    this.#timer = undefined;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    let events: EngineEventBody[];
    try {
      events = this.#build(ids);
    } catch (error) {
      // The database busy or unreadable for a moment: the next change publishes again.
      this.#onError('build', error);
      return;
    }
    for (const event of events) this.emit(event);
  }
}
