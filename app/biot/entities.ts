// Entities: attach an uploaded file to the BioT entity it belongs to (BioT
// keeps only files attached to an entity) and read the entity back.
import { BiotError } from './errors.ts';
import type { AccessTokenProvider, BiotHttp } from './http.ts';
import type { CallOptions } from './file-api.ts';
import { idSegment } from './request-checks.ts';
import type { DeviceUpdate, EntityKind, EntityResponse, FileReference, GenericEntityUpdate, PatientUpdate } from './types.ts';
import { readEntity } from './validate.ts';

const ENTITY_PATHS: Record<EntityKind, string> = {
  patient: '/organization/v1/users/patients',
  device: '/device/v2/devices',
  'generic-entity': '/generic-entity/v1/generic-entities',
};

/** The wire path of one entity. */
export function entityPath(entity: EntityKind, id: string, operation: string): string {
  const base = ENTITY_PATHS[entity];
  if (base === undefined) {
    throw new BiotError({ status: 0, code: 'INVALID_REQUEST', operation, message: `${operation}: unknown entity kind` });
  }
  return `${base}/${idSegment(operation, id)}`;
}

export type AttachFileRequest<K extends EntityKind = EntityKind> = {
  entity: K;
  entityId: string;
  /** The template's FILE attribute name, from site configuration. */
  attribute: string;
  fileId: string;
};

/** The PATCH body: the FILE attribute set to {id}; typed as a partial update of that entity. */
type AttachBody = (Partial<PatientUpdate> | Partial<DeviceUpdate> | Partial<GenericEntityUpdate>) & Record<string, FileReference>;

export class Entities {
  readonly #http: BiotHttp;
  readonly #tokens: AccessTokenProvider;

  constructor(http: BiotHttp, tokens: AccessTokenProvider) {
    this.#http = http;
    this.#tokens = tokens;
  }

  /** Sets `attribute` of the entity to the file; answers the updated entity. */
  async attachFile<K extends EntityKind>(request: AttachFileRequest<K>, options: CallOptions = {}): Promise<EntityResponse[K]> {
    const operation = `${request.entity}.attachFile`;
    if (typeof request.attribute !== 'string' || request.attribute.length === 0) {
      throw new BiotError({ status: 0, code: 'INVALID_REQUEST', operation, message: `${operation}: attribute is empty` });
    }
    idSegment(operation, request.fileId);
    const body: AttachBody = { [request.attribute]: { id: request.fileId } };
    const answer = await this.#http.call({
      method: 'PATCH',
      path: entityPath(request.entity, request.entityId, operation),
      operation,
      body,
      auth: this.#tokens,
      signal: options.signal,
    });
    return readEntity<EntityResponse[K]>(answer.body, answer.ctx);
  }

  /**
   * Creates a generic entity of template `templateName` with `attributes`
   * (its `_name`, references {id} and FILE attributes {id}); answers it.
   * BioT's way to keep many files for one patient or device: one entity per file.
   */
  async createGenericEntity(
    templateName: string,
    attributes: { _name: string } & Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<EntityResponse['generic-entity']> {
    const operation = 'generic-entity.create';
    const answer = await this.#http.call({
      method: 'POST',
      path: `${ENTITY_PATHS['generic-entity']}/templates/${idSegment(operation, templateName)}`,
      operation,
      body: attributes,
      auth: this.#tokens,
      signal: options.signal,
    });
    return readEntity<EntityResponse['generic-entity']>(answer.body, answer.ctx);
  }

  /** Reads one entity (to verify an attachment). */
  async getEntity<K extends EntityKind>(entity: K, id: string, options: CallOptions = {}): Promise<EntityResponse[K]> {
    const operation = `${entity}.get`;
    const answer = await this.#http.call({
      method: 'GET',
      path: entityPath(entity, id, operation),
      operation,
      auth: this.#tokens,
      signal: options.signal,
    });
    return readEntity<EntityResponse[K]>(answer.body, answer.ctx);
  }
}
