// network.proxy: which route each host takes (env, a URL, none, the desktop's
// system resolver per host), the no-proxy rules, and Chromium's PAC answers.
import { describe, expect, it } from 'vitest';
import { proxyChoice } from '../../app/net/proxy-choice.ts';
import { bypassesProxy, firstProxy } from '../../app/net/proxy-rules.ts';

const api = new URL('https://api.clinic.biot-med.com/ums/v2/users/login');
const bucket = new URL('https://bucket.s3.eu-west-1.amazonaws.com/files/1');

describe('no-proxy rules', () => {
  it.each([
    ['biot-med.com', true],
    ['.biot-med.com', true],
    ['*.biot-med.com', true],
    ['clinic.biot-med.com:443', true],
    ['clinic.biot-med.com:8443', false],
    ['other.com', false],
    ['med.com', false],
    ['*', true],
  ])('%s -> %s', (entry, bypass) => {
    expect(bypassesProxy([entry], api)).toBe(bypass);
  });

  it('matches IP addresses exactly, not as suffixes', () => {
    expect(bypassesProxy(['127.0.0.1'], new URL('http://127.0.0.1:9/'))).toBe(true);
    expect(bypassesProxy(['0.0.1'], new URL('http://127.0.0.1:9/'))).toBe(false);
  });
});

describe("Chromium's answers (PAC results)", () => {
  it('takes the first usable entry', () => {
    expect(firstProxy('PROXY proxy.hospital.local:8080; DIRECT')).toEqual(new URL('http://proxy.hospital.local:8080'));
    expect(firstProxy('HTTPS secure-proxy:443')).toEqual(new URL('https://secure-proxy:443'));
    expect(firstProxy('DIRECT')).toBe('direct');
    expect(firstProxy('SOCKS5 socks:1080; PROXY p:3128')).toEqual(new URL('http://p:3128'));
    expect(firstProxy('SOCKS5 socks:1080')).toBeUndefined();
  });
});

describe('proxy choice', () => {
  it('env: HTTPS_PROXY with NO_PROXY and network.noProxy, credentials from the URL as a Basic header', async () => {
    const choice = proxyChoice({
      setting: 'env',
      noProxy: ['amazonaws.com'],
      env: { HTTPS_PROXY: 'http://nurse:s%40cret@proxy.local:3128', NO_PROXY: 'intranet.local' },
    });
    const route = await choice.route(api);
    expect(route).toMatchObject({
      kind: 'proxy',
      label: 'proxy.local:3128',
      authorization: `Basic ${Buffer.from('nurse:s@cret').toString('base64')}`,
    });
    // The label and the URL kept for messages carry no credentials.
    expect(route.kind === 'proxy' && route.proxy.href).toBe('http://proxy.local:3128/');
    expect(await choice.route(bucket)).toEqual({ kind: 'direct' });
    expect(await choice.route(new URL('https://intranet.local/'))).toEqual({ kind: 'direct' });
  });

  it('env without variables, and none: direct', async () => {
    expect(await proxyChoice({ setting: 'env', env: {} }).route(api)).toEqual({ kind: 'direct' });
    expect(await proxyChoice({ setting: 'none', env: { HTTPS_PROXY: 'http://p:1' } }).route(api)).toEqual({ kind: 'direct' });
  });

  it('a URL: that proxy, with the configured credentials', async () => {
    const choice = proxyChoice({ setting: 'http://proxy.local:8080', credentials: { username: 'u', password: 'p' }, env: {} });
    expect(await choice.route(api)).toMatchObject({
      kind: 'proxy',
      label: 'proxy.local:8080',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(choice.mode).toBe('proxy.local:8080');
  });

  it('system: asks per host, reuses an answer within its lifetime, asks again after forget()', async () => {
    const asked: string[] = [];
    const answers: Record<string, string> = {
      'https://api.clinic.biot-med.com/': 'PROXY api-proxy:3128',
      'https://bucket.s3.eu-west-1.amazonaws.com/': 'DIRECT',
    };
    let now = 0;
    const choice = proxyChoice({
      setting: 'system',
      env: { HTTPS_PROXY: 'http://ignored:1' },
      system: { resolve: async (url) => (asked.push(url), answers[url] ?? 'DIRECT') },
      now: () => now,
      systemTtlMs: 1000,
    });
    expect(await choice.route(api)).toMatchObject({ kind: 'proxy', label: 'api-proxy:3128' });
    expect(await choice.route(bucket)).toEqual({ kind: 'direct' });
    await choice.route(api);
    expect(asked).toEqual(['https://api.clinic.biot-med.com/', 'https://bucket.s3.eu-west-1.amazonaws.com/']);
    now = 1500;
    answers['https://api.clinic.biot-med.com/'] = 'PROXY other:8080';
    expect(await choice.route(api)).toMatchObject({ label: 'other:8080' });
    choice.forget();
    await choice.route(bucket);
    expect(asked).toHaveLength(4);
  });

  it('system without a resolver (headless): the environment', async () => {
    const choice = proxyChoice({ setting: 'system', env: { HTTPS_PROXY: 'http://envproxy:3128' } });
    expect(choice.mode).toBe('env');
    expect(await choice.route(api)).toMatchObject({ label: 'envproxy:3128' });
  });
});
