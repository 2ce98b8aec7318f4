// A small in-process CONNECT proxy for unit tests of app/net: it records what
// it was asked, and can demand a sign-in (407 with the schemes given) or
// refuse (403). The real proxies (squid, mitmdump) are in proxies.ts.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** host:port of each CONNECT, with the Proxy-Authorization it carried (or null). */
  connects: { target: string; authorization: string | null }[];
  close(): Promise<void>;
}

export async function startConnectProxy(options: { require?: string; offer?: string[]; refuse?: boolean } = {}): Promise<ConnectProxy> {
  const connects: ConnectProxy['connects'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    sockets.add(client);
    const authorization = req.headers['proxy-authorization'] ?? null;
    connects.push({ target: req.url ?? '', authorization });
    if (options.refuse) return void client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    if (options.require !== undefined && authorization !== options.require) {
      const offers = (options.offer ?? ['Basic realm="test"']).map((o) => `Proxy-Authenticate: ${o}\r\n`).join('');
      return void client.end(`HTTP/1.1 407 Proxy Authentication Required\r\n${offers}Content-Length: 0\r\n\r\n`);
    }
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : (host ?? ''));
    sockets.add(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
