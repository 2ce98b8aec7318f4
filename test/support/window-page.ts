// The e2e tests' way into the queue window: one Chromium per test file, and
// each page in a context of its own (no cookie or storage left by another
// test), so any test runs alone or in any order. Every script error and
// console error (CSP violations included) is collected: the page must run
// clean under its policy. Confirm dialogs are accepted and their questions kept.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from './browser.ts';

export interface WindowPageOptions {
  viewport?: { width: number; height: number };
  /** Console errors that are expected noise, such as a reconnect refused while the uploader is down. */
  expectedConsoleErrors?: RegExp;
}

export interface WindowPages {
  /** Opens `url` (the window's address with its token) in a fresh context; resolves once the tabs are there. */
  open(url: string): Promise<Page>;
  /** What the page asked in confirm dialogs, each accepted. */
  readonly asked: readonly string[];
  /**
   * Closes the page's context and answers the errors it logged. Call it before
   * the server closes: a closing server could make the page log its own errors.
   */
  close(): Promise<string[]>;
}

/** Call in a describe block: Chromium is launched before its tests and closed after them. */
export function useWindowPages(options: WindowPageOptions = {}): WindowPages {
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  const asked: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    asked,
    async open(url) {
      if (!browser) throw new Error('useWindowPages: open() before the describe block launched Chromium');
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1180, height: 600 } });
      page = await context.newPage();
      errors = [];
      asked.length = 0;
      page.on('dialog', (d) => {
        asked.push(d.message());
        void d.accept();
      });
      page.on('console', (m) => m.type() === 'error' && !options.expectedConsoleErrors?.test(m.text()) && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.locator('.tab[data-view="queue"]').waitFor();
      return page;
    },
    async close() {
      const seen = [...errors];
      await page?.context().close();
      page = undefined;
      errors = [];
      return seen;
    },
  };
}

/** The check every window test ends with (after its server and world are closed, so those close whatever it says). */
export function expectCleanPage(errors: string[]): void {
  expect(errors, 'script errors or CSP violations in the page').toEqual([]);
}
