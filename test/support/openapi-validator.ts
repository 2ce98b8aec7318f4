// Checks HTTP answers against BioT's own OpenAPI documents (OpenAPI 3.1,
// vendored in spec/biot), so the sandbox and the client are held to the
// published contract rather than to our reading of it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export type BiotService = 'file' | 'ums' | 'organization' | 'device' | 'generic-entity';

/** The vendored documents (see spec/biot/README.md); part of the repository, never skipped. */
export const specDir = resolve(import.meta.dirname, '..', '..', 'spec', 'biot');

interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
// The formats BioT's documents use; checked for real (an expiration that is not a date-time must fail).
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat(
  'date-time',
  (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)),
);
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
for (const name of ['email', 'uri', 'binary', 'byte', 'double', 'float', 'password', 'url']) ajv.addFormat(name, true);

const documents = new Map<BiotService, OpenApiDocument>();
const compiled = new Map<string, ValidateFunction | null>();

/** Loads (once) and registers one service's OpenAPI document. */
export function openApiDocument(service: BiotService): OpenApiDocument {
  let doc = documents.get(service);
  if (!doc) {
    doc = JSON.parse(readFileSync(resolve(specDir, `${service}.json`), 'utf8')) as OpenApiDocument;
    ajv.addSchema(doc as object, `biot:${service}`);
    documents.set(service, doc);
  }
  return doc;
}

const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The spec's path key for a template given with or without the service prefix (`/file/v1/...` or `/v1/...`). */
function specPath(service: BiotService, doc: OpenApiDocument, template: string): string {
  if (doc.paths[template]) return template;
  const prefix = (doc.servers?.[0]?.url ?? '').replace(/\/$/, '');
  if (prefix && template.startsWith(`${prefix}/`) && doc.paths[template.slice(prefix.length)]) return template.slice(prefix.length);
  throw new Error(`${service}.json has no path ${template}`);
}

/** Throws a readable error unless body matches the spec's response for (method, path, status); bodiless answers must be empty. */
export function validateResponse(service: BiotService, method: string, pathTemplate: string, status: number, body: unknown): void {
  const doc = openApiDocument(service);
  const path = specPath(service, doc, pathTemplate);
  const verb = method.toLowerCase();
  const operation = doc.paths[path]?.[verb];
  if (!operation?.responses) throw new Error(`${service}.json has no ${method.toUpperCase()} ${path}`);
  const response = operation.responses[String(status)];
  const where = `${method.toUpperCase()} ${path} -> ${status}`;
  if (!response) throw new Error(`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
  const mediaType = response.content ? Object.keys(response.content)[0] : undefined;
  const key = `${service} ${verb} ${path} ${status}`;
  if (!compiled.has(key)) {
    compiled.set(
      key,
      mediaType === undefined || response.content?.[mediaType]?.schema === undefined
        ? null
        : ajv.compile({ $ref: `biot:${service}#/paths/${pointer(path)}/${verb}/responses/${status}/content/${pointer(mediaType)}/schema` }),
    );
  }
  const validate = compiled.get(key);
  if (!validate) {
    if (body !== undefined && body !== '' && body !== null)
      throw new Error(`${where}: the spec documents no body, got ${JSON.stringify(body).slice(0, 200)}`);
    return;
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`).join('; ');
    throw new Error(`${where}: body does not match the spec: ${problems}\nbody: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

const services: BiotService[] = ['file', 'ums', 'organization', 'device', 'generic-entity'];

/** Which service and spec path template a concrete wire path (`/file/v1/files/<id>/download`) belongs to. */
export function resolveWirePath(method: string, wirePath: string): { service: BiotService; template: string } {
  const path = wirePath.split('?')[0] as string;
  for (const service of services) {
    if (!path.startsWith(`/${service}/`)) continue;
    const doc = openApiDocument(service);
    const prefix = (doc.servers?.[0]?.url ?? '').replace(/\/$/, '');
    const local = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
    const candidates = Object.keys(doc.paths).filter((template) => doc.paths[template]?.[method.toLowerCase()]);
    // Literal templates first, so /v1/files/upload/parts wins over /v1/files/{id}.
    candidates.sort((a, b) => a.split('{').length - b.split('{').length);
    for (const template of candidates) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (pattern.test(local)) return { service, template };
    }
    throw new Error(`${service}.json has no ${method.toUpperCase()} path matching ${local}`);
  }
  throw new Error(`no BioT service for path ${path}`);
}

/** validateResponse for a concrete wire path: finds the service and template itself. */
export function validateWireResponse(method: string, wirePath: string, status: number, body: unknown): void {
  const { service, template } = resolveWirePath(method, wirePath);
  validateResponse(service, method, template, status, body);
}
