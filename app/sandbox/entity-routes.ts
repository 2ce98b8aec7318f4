// Attaching files to entities: PATCH/GET on patients (organization), devices
// and generic entities. Entities spring into existence on their first PATCH
// (the sandbox has no templates), unless strictEntities is on: then, as in
// BioT, only registered entities (registerEntity) can be patched. A FILE
// attribute is {"id": fileId} and must name a completed upload.
import { randomUUID } from 'node:crypto';
import type { components as Device } from '../biot/generated/device.ts';
import type { components as Generic } from '../biot/generated/generic-entity.ts';
import type { components as Organization } from '../biot/generated/organization.ts';
import { objectBody } from './body-checks.ts';
import { uuidPattern, type Route, type SandboxContext } from './context.ts';
import { BiotError } from './errors.ts';
import { isFileComplete } from './file-routes.ts';
import type { EntityKind, EntityRecord } from './state.ts';

interface EntityType {
  kind: EntityKind;
  pattern: RegExp;
  service: string;
  notFound: string;
  /** BioT's patients and generic entities have UUID ids; devices take any id. */
  uuidIds: boolean;
}

const types: EntityType[] = [
  {
    kind: 'patient',
    pattern: /^\/organization\/v1\/users\/patients\/([^/]+)$/,
    service: 'Organization Service',
    notFound: 'USER_NOT_FOUND',
    uuidIds: true,
  },
  { kind: 'device', pattern: /^\/device\/v2\/devices\/([^/]+)$/, service: 'Device Service', notFound: 'DEVICE_NOT_FOUND', uuidIds: false },
  {
    kind: 'generic',
    pattern: /^\/generic-entity\/v1\/generic-entities\/([^/]+)$/,
    service: 'Generic Entity Service',
    notFound: 'GENERIC_ENTITY_NOT_FOUND',
    uuidIds: true,
  },
];

/** Attributes BioT computes itself; a PATCH may not set them. */
const systemAttributes = new Set(['_id', '_creationTime', '_lastModifiedTime', '_ownerOrganization', '_template', '_referencers']);

type EntityAnswer = Organization['schemas']['PatientResponse'] | Device['schemas']['DeviceResponse'] | Generic['schemas']['GenericEntityResponse'];

function present(ctx: SandboxContext, type: EntityType, entity: EntityRecord): EntityAnswer {
  const common = {
    _id: entity.id,
    _creationTime: entity.createdAt,
    _lastModifiedTime: entity.updatedAt,
    _ownerOrganization: { id: ctx.organizationId },
  };
  // Required fields the sandbox has no real value for get fixed placeholders (never patient data).
  if (type.kind === 'patient')
    return { _name: { firstName: 'Sandbox', lastName: 'Patient' }, _invitationAccepted: false, ...entity.attributes, ...common };
  if (type.kind === 'device') return { _caption: entity.id, ...entity.attributes, ...common };
  return { _name: 'sandbox-entity', _caption: 'sandbox-entity', ...entity.attributes, ...common };
}

function checkedId(type: EntityType, id: string): string {
  if (type.uuidIds && !uuidPattern.test(id)) throw new BiotError(400, 'BAD_REQUEST', `Entity id [${id}] is not a UUID`, { id });
  return id;
}

function entityId(type: EntityType, rawId: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawId);
  } catch {
    throw new BiotError(400, 'BAD_REQUEST', 'Entity id is not a valid URL path segment');
  }
  return checkedId(type, decoded);
}

const notFound = (type: EntityType, id: string) => new BiotError(404, type.notFound, `Entity with id [${id}] not found`, { id });

/** Creates an entity with no attributes (kept if it already exists); the way tests and demos seed BioT's entities. */
export function registerEntity(ctx: SandboxContext, kind: EntityKind, id: string): void {
  const type = types.find((t) => t.kind === kind);
  if (!type) throw new Error(`unknown entity kind: ${String(kind)}`);
  if (id === '' || id.includes('/')) throw new Error('entity id must be a non-empty path segment');
  checkedId(type, id);
  if (ctx.state.entity(kind, id)) return;
  const now = new Date().toISOString();
  const entity = { id, createdAt: now, updatedAt: now, attributes: {} };
  ctx.state.doc.entities[kind][id] = entity;
  ctx.state.saveEntity(kind, entity);
}

/** The kind of the entity with this id, if the sandbox has one (references name entities by id alone). */
function entityKindOf(ctx: SandboxContext, id: string): EntityKind | undefined {
  return (['patient', 'device', 'generic'] as const).find((kind) => ctx.state.entity(kind, id));
}

/**
 * Checks one attribute value and returns what to store. Without templates the
 * sandbox tells the two {"id"} kinds apart by what the id names: an existing
 * entity makes a reference attribute, anything else must be a completed file.
 */
async function attributeValue(ctx: SandboxContext, type: EntityType, name: string, value: unknown): Promise<unknown> {
  if (systemAttributes.has(name))
    throw new BiotError(400, 'ATTRIBUTE_NOT_VALID_FOR_TEMPLATE', `Attribute [${name}] cannot be updated`, { attributeName: name });
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value) || typeof (value as { id?: unknown }).id !== 'string') {
    throw new BiotError(400, 'ATTRIBUTE_VALUE_TYPE_MISMATCH', `Attribute [${name}] must be {"id": "<file id>"}`, { attributeName: name });
  }
  const fileId = (value as { id: string }).id;
  const referenced = entityKindOf(ctx, fileId);
  if (referenced) return { id: fileId, entityType: referenced };
  const file = uuidPattern.test(fileId) ? ctx.state.file(fileId) : undefined;
  if (!file) throw new BiotError(404, 'FILE_ID_NOT_FOUND', `File with id [${fileId}] not found`, { ids: [fileId], attributeName: name });
  if (!(await isFileComplete(ctx, file))) {
    throw new BiotError(400, 'FILE_NOT_UPLOADED', `File [${fileId}] is not completely uploaded`, {
      id: fileId,
      attributeName: name,
      entityType: type.kind,
    });
  }
  return { id: file.id, name: file.name, mimeType: file.mimeType };
}

const genericType = types.find((t) => t.kind === 'generic')!;

/**
 * POST /generic-entity/v1/generic-entities/templates/{templateName}: a new
 * generic entity (BioT's way to keep many files for one patient or device:
 * one entity per file, referencing its owner). The sandbox keeps the template
 * name but checks no template: `_name` is required, attributes as for PATCH.
 */
const createGeneric: Route = {
  method: 'POST',
  pattern: /^\/generic-entity\/v1\/generic-entities\/templates\/([^/]+)$/,
  op: 'entity.create',
  service: genericType.service,
  async handle(ctx, [rawTemplate], raw) {
    const template = decodeURIComponent(rawTemplate as string);
    const { _name: name, ...rest } = objectBody(raw);
    if (typeof name !== 'string' || name.length < 1 || name.length > 32) {
      throw new BiotError(400, 'ATTRIBUTE_IS_MANDATORY', 'Attribute [_name] is mandatory (1 to 32 characters)', { attributeName: '_name' });
    }
    const attributes: Record<string, unknown> = { _name: name, _templateName: template };
    for (const [key, value] of Object.entries(rest)) attributes[key] = await attributeValue(ctx, genericType, key, value);
    const now = new Date().toISOString();
    const entity: EntityRecord = { id: randomUUID(), createdAt: now, updatedAt: now, attributes };
    ctx.state.doc.entities.generic[entity.id] = entity;
    ctx.state.saveEntity('generic', entity);
    ctx.log(`entity.create kind=generic attributes=${Object.keys(rest).length}`);
    return { status: 201, body: present(ctx, genericType, entity) };
  },
};

export const entityRoutes: Route[] = [
  createGeneric,
  ...types.flatMap((type): Route[] => [
    {
      method: 'PATCH',
      pattern: type.pattern,
      op: 'entity.patch',
      service: type.service,
      async handle(ctx, [rawId], raw) {
        const id = entityId(type, rawId as string);
        // Existence before attributes (the spec gives no order): an unknown entity is 404 whatever the body.
        if (ctx.settings.strictEntities && !ctx.state.entity(type.kind, id)) throw notFound(type, id);
        const body = objectBody(raw);
        const changes: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(body)) changes[name] = await attributeValue(ctx, type, name, value);
        const now = new Date().toISOString();
        const all = ctx.state.doc.entities[type.kind];
        const entity = ctx.state.entity(type.kind, id) ?? { id, createdAt: now, updatedAt: now, attributes: {} };
        for (const [name, value] of Object.entries(changes)) {
          if (value === null) delete entity.attributes[name];
          else entity.attributes[name] = value;
        }
        entity.updatedAt = now;
        all[id] = entity;
        ctx.state.saveEntity(type.kind, entity);
        ctx.log(`entity.patch kind=${type.kind} attributes=${Object.keys(changes).length}`);
        return { status: 200, body: present(ctx, type, entity) };
      },
    },
    {
      method: 'GET',
      pattern: type.pattern,
      op: 'entity.get',
      service: type.service,
      async handle(ctx, [rawId]) {
        const id = entityId(type, rawId as string);
        const entity = ctx.state.entity(type.kind, id);
        if (!entity) throw notFound(type, id);
        return { status: 200, body: present(ctx, type, entity) };
      },
    },
  ]),
];
