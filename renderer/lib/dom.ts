// A tiny element builder. Text always goes in as textContent, never HTML:
// file names come from devices and other people, and must not become markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Sets text only when it changed (rows are redrawn a few times a second). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Calls fn at most once per `ms`, with the last arguments (trailing edge). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** The file-name search box of a list view: `onSearch` gets the trimmed text, 150 ms after typing stops. */
export function searchInput(label: string, onSearch: (text: string) => void): HTMLInputElement {
  const box = h('input', { type: 'search', class: 'search', placeholder: 'Search file names', 'aria-label': label });
  box.addEventListener(
    'input',
    debounce(() => onSearch(box.value.trim()), 150),
  );
  return box;
}
