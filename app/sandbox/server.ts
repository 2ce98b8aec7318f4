// The sandbox's request dispatcher: storage paths go to the disk store or the
// S3 proxy; API paths are matched to a route, counted, faulted, authorised,
// parsed and answered; any failure becomes a BioT-shaped error and the
// service stays up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route, SandboxContext } from './context.ts';
import { BiotError, defaultCodeFor, errorBody } from './errors.ts';
import { pause, type FaultBook } from './faults.ts';
import { readJson, sendJson } from './http-io.ts';
import { swallowAnswer } from './storage-faults.ts';
import { verifyToken } from './tokens.ts';

export interface Dispatcher {
  routes: Route[];
  faults: FaultBook;
  ctx: SandboxContext;
  /** Handles /_storage/ or /_s3/ requests; undefined when this store has no such path. */
  storage(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined;
}

function serviceForPath(path: string): string {
  const prefix = path.split('/')[1] ?? '';
  return (
    (
      {
        ums: 'UMS Service',
        file: 'File Service',
        organization: 'Organization Service',
        device: 'Device Service',
        'generic-entity': 'Generic Entity Service',
      } as Record<string, string>
    )[prefix] ?? 'Sandbox'
  );
}

function sendError(res: ServerResponse, service: string, error: BiotError): void {
  sendJson(res, error.status, errorBody(service, error.code, error.message, error.details));
}

/** Answers one HTTP request. Never throws. */
export async function dispatch(d: Dispatcher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  try {
    const storage = d.storage(req, res);
    if (storage) return await storage;
  } catch {
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
    return;
  }
  const matching = d.routes.filter((r) => r.pattern.test(path));
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    req.resume();
    const service = serviceForPath(path);
    if (matching.length) return sendError(res, service, new BiotError(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed on this path`));
    return sendError(res, service, new BiotError(404, 'NOT_FOUND', 'No such API path'));
  }
  const fault = d.faults.record(route.op);
  try {
    if (fault) {
      await pause(fault.delayMs);
      if (fault.drop) {
        d.ctx.log(`fault drop op=${route.op}`);
        return void req.socket.destroy();
      }
      if (fault.status !== undefined) {
        req.resume();
        d.ctx.log(`fault status=${fault.status} op=${route.op}`);
        if (fault.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(fault.retryAfterSeconds));
        throw new BiotError(fault.status, fault.code ?? defaultCodeFor(fault.status), fault.message ?? 'Injected by a sandbox fault rule', {
          fault: true,
        });
      }
    }
    if (!route.public) {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/i.exec(header)?.[1];
      if (!token || !verifyToken(d.ctx.state.doc.secret, token, 'access')) {
        req.resume();
        throw new BiotError(401, 'TOKEN_NOT_VALID', 'Token is not valid or has expired');
      }
    }
    const body = req.method === 'GET' || req.method === 'DELETE' ? (req.resume(), undefined) : await readJson(req);
    const answer = await route.handle(d.ctx, (route.pattern.exec(path) ?? []).slice(1), body, req);
    if (swallowAnswer(fault, res)) {
      d.ctx.log(`fault lost answer op=${route.op}`);
      return;
    }
    if (answer.body === undefined) res.writeHead(answer.status, { 'content-length': 0 }).end();
    else sendJson(res, answer.status, answer.body);
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    if (error instanceof BiotError) return sendError(res, route.service, error);
    // Unexpected (storage down, a bug): a BioT 500, logged by op only (messages may hold paths).
    d.ctx.log(`internal error op=${route.op} kind=${(error as Error)?.name ?? 'unknown'}`);
    sendError(res, route.service, new BiotError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}
