// A raw HTTP/1.1 request over a plain socket: fuzzing needs methods, paths
// and headers that an HTTP client library would refuse or normalise.
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Sends one request with Connection: close; resolves with the status (0 when the connection ended with no status line). */
export function rawRequest(port: number, request: RawRequest, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve(match ? Number(match[1]) : 0);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('error', finish);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      // The status line is all the fuzzer needs; an event stream never ends by itself.
      if (answer.includes('\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('connect', () => {
      const body = request.body ?? Buffer.alloc(0);
      const lines = [
        `${request.method} ${request.path} HTTP/1.1`,
        ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
        `Content-Length: ${body.length}`,
        'Connection: close',
        '',
        '',
      ];
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
    });
  });
}
