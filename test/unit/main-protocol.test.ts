// app://uploader/: the renderer's files with the strict CSP as a header, and
// nothing outside the build folder (traversal, encoded separators, symlinks).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../app/control/headers.ts';
import { containedPath, createAppProtocolHandler } from '../../main/app-protocol.ts';

let root: string;
let dist: string;
let handle: (r: Request) => Promise<Response>;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'du-protocol-'));
  dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.json'), '{"password":"x"}');
  symlinkSync(join(root, 'secret.json'), join(dist, 'link.json'));
  handle = createAppProtocolHandler(dist);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the app protocol handler', () => {
  it('serves index.html at / and assets with their types, every answer with the CSP header', async () => {
    const index = await handle(new Request('app://uploader/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const js = await handle(new Request('app://uploader/assets/app.js'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    const missing = await handle(new Request('app://uploader/nope.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
  });

  it.each([
    'app://uploader/../secret.json',
    'app://uploader/%2e%2e/secret.json',
    'app://uploader/assets/%2e%2e%2f%2e%2e%2fsecret.json',
    'app://uploader/..%5csecret.json',
    'app://uploader/link.json', // a symlink pointing out of the folder
    'app://uploader/%00.js',
    'app://uploader/%E0%A4%A.js', // bad escape
    'app://other-host/index.html',
  ])('refuses %s', async (url) => {
    const res = await handle(new Request(url));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('password');
  });

  it('refuses anything but GET', async () => {
    expect((await handle(new Request('app://uploader/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('containedPath keeps every answer inside the root', () => {
    expect(containedPath('/r', '/')).toBe('/r/index.html');
    expect(containedPath('/r', '/a/b.js')).toBe('/r/a/b.js');
    expect(containedPath('/r', '/../etc/passwd')).toBeUndefined();
    expect(containedPath('/r', '/%2e%2e/x')).toBeUndefined();
  });
});
