// "system" proxies in the desktop app: the engine (a utility process) has no
// Chromium session, so it asks the parent, which answers with
// session.resolveProxy(url). One question per host and minute at most (app/net
// caches the answers); a parent that does not answer within a few seconds
// fails the connection as PROXY_UNREACHABLE rather than holding it.
import type { FromEngine } from './protocol.ts';

/** The shape of app/net's SystemProxyResolver (kept structural: the host does not import the network layer). */
interface SystemProxyResolver {
  resolve(url: string): Promise<string>;
}

const ANSWER_WITHIN_MS = 5_000;

export function askParentForProxies(post: (message: FromEngine) => void): {
  resolver: SystemProxyResolver;
  answered(id: number, answer: string | null): void;
} {
  const waiting = new Map<number, { resolve: (a: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  return {
    resolver: {
      resolve: (url) =>
        new Promise<string>((resolve, reject) => {
          const id = nextId++;
          const timer = setTimeout(() => {
            waiting.delete(id);
            reject(new Error('the desktop app gave no proxy answer'));
          }, ANSWER_WITHIN_MS);
          timer.unref();
          waiting.set(id, { resolve, reject, timer });
          post({ kind: 'resolve-proxy', id, url });
        }),
    },
    answered(id, answer) {
      const w = waiting.get(id);
      if (!w) return;
      waiting.delete(id);
      clearTimeout(w.timer);
      if (answer === null) w.reject(new Error('the desktop app could not resolve the proxy'));
      else w.resolve(answer);
    },
  };
}
