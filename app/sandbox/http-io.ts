// Small request/response helpers shared by the sandbox's HTTP handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BiotError } from './errors.ts';

const maxJsonBytes = 1024 * 1024;

/** Reads a request body as text, refusing bodies over 1 MiB (a JSON API never needs more). */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxJsonBytes) throw new BiotError(400, 'BAD_REQUEST', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; empty bodies give undefined, malformed ones a BioT 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BiotError(400, 'BAD_REQUEST', 'Malformed JSON request body');
  }
}

/** Sends a JSON answer with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends an S3-style XML error, the way storage servers refuse a request. */
export function sendS3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}
