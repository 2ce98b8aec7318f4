// A tiny scripted HTTP server on 127.0.0.1 for BioT client tests: each test
// decides the answer to every request and can look at what was sent. The BioT
// client and transfer tests script BioT the same way.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server received. `json` is the parsed body, or undefined. */
export type RecordedRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
};

/** How to answer: JSON (or raw text), hang forever, drop the connection, or stall after headers. */
export type ScriptedReply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { drop: true }
  | { stallBody: true; status: number };

export type Script = (request: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export type ScriptedServer = {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/** Starts a loopback server (port 0) that answers each request with `script`. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      const index = requests.push(recorded) - 1;
      void Promise.resolve(script(recorded, index)).then((reply) => answer(res, reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, reply: ScriptedReply): void {
  if ('hang' in reply) return;
  if ('drop' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('stallBody' in reply) {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.write('{"id":');
    return;
  }
  const send = (): void => {
    const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  };
  if (reply.delayMs) setTimeout(send, reply.delayMs);
  else send();
}

/** BioT's ErrorResponse body for a scripted error. */
export function biotError(status: number, code: string, traceId = 'trace-0001'): ScriptedReply {
  return {
    status,
    json: { code, message: `scripted ${code}`, serviceName: 'scripted', traceId, environment: 'test', details: {} },
  };
}
