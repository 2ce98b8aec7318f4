// network.proxy "system" across the process boundary: the engine's question
// (resolve-proxy) reaches the shell's resolver through EngineClient and the
// answer comes back; a parent that cannot answer fails the question (the
// connection then says PROXY_UNREACHABLE) instead of holding it. And the
// shell's network watch: the online flag flipping, or waking up, says so.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EngineClient } from '../../app/host/engine-client.ts';
import type { EngineProcess, FromEngine, ToEngine } from '../../app/host/protocol.ts';
import { askParentForProxies } from '../../app/host/proxy-port.ts';
import { watchNetwork } from '../../main/network-watch.ts';
import { until } from '../support/wait.ts';

/** An EngineClient whose "process" is askParentForProxies in this same test. */
function wired(resolve?: (url: string) => Promise<string>) {
  let toParent: ((m: FromEngine) => void) | undefined;
  const sent: ToEngine[] = [];
  const engineSide = askParentForProxies((m) => toParent?.(m));
  const process: EngineProcess = {
    pid: 1,
    send: (m) => {
      sent.push(m);
      if (m.kind === 'proxy-answer') engineSide.answered(m.id, m.answer);
    },
    onMessage: (l) => void (toParent = l),
    onExit: () => {},
    kill: () => {},
  };
  const client = new EngineClient(process);
  if (resolve) client.onResolveProxy(resolve);
  return { client, resolver: engineSide.resolver, sent };
}

describe('the engine asks the shell for proxies', () => {
  it("is answered with the session's answer for that URL", async () => {
    const { resolver } = wired(async (url) => (url === 'https://api.example/' ? 'PROXY p:3128; DIRECT' : 'DIRECT'));
    expect(await resolver.resolve('https://api.example/')).toBe('PROXY p:3128; DIRECT');
    expect(await resolver.resolve('https://storage.example/')).toBe('DIRECT');
  });

  it('fails when the shell has no resolver or it throws', async () => {
    await expect(wired().resolver.resolve('https://api.example/')).rejects.toThrow(/could not resolve/);
    await expect(wired(async () => Promise.reject(new Error('x'))).resolver.resolve('https://a/')).rejects.toThrow(/could not resolve/);
  });

  it('passes a network change on', () => {
    const { client, sent } = wired();
    client.networkChanged();
    expect(sent).toEqual([{ kind: 'network-changed' }]);
  });
});

describe('the network watch', () => {
  it('says when the online flag flips and on waking up', async () => {
    let online = true;
    const power = new EventEmitter();
    const seen: string[] = [];
    const watch = watchNetwork({ isOnline: () => online, powerMonitor: power }, (why) => seen.push(why), 10);
    online = false;
    await until('offline seen', () => seen.includes('offline'));
    online = true;
    await until('online seen', () => seen.includes('online'));
    power.emit('resume');
    expect(seen).toEqual(['offline', 'online', 'resume']);
    watch.dispose();
    power.emit('resume');
    expect(seen).toHaveLength(3);
  });
});
