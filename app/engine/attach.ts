// A folder's attach rule: which BioT entity a finished export belongs to,
// read from its path by the rule's pattern (named group `id`). BioT keeps a
// file only once it is attached to an entity.
import type { Entities } from '../biot/entities.ts';
import type { AttachRule, FolderConfig } from '../config/schema.ts';
import type { AttachTarget } from '../store/queue.ts';
import { CodedError } from '../common/coded-error.ts';

/** The entity id the rule finds in a folder-relative path, or undefined. */
export function entityIdFor(rule: AttachRule, relPath: string): string | undefined {
  const id = new RegExp(rule.idPattern).exec(relPath)?.groups?.id;
  return id ? id : undefined;
}

/** Where a file of `folder` at `relPath` will be attached (the dedup key's second half); null when nowhere. */
export function attachTargetOf(folder: FolderConfig | undefined, relPath: string): AttachTarget | null {
  const rule = folder?.attach;
  const entityId = rule && entityIdFor(rule, relPath);
  return rule && entityId ? { entityType: rule.entity, entityId } : null;
}

export class AttachRuleMismatch extends CodedError<'ATTACH_NO_ENTITY_ID'> {
  override name = 'AttachRuleMismatch';
}

/**
 * The entity's FILE attribute already holds another file. Setting it would
 * leave that file unattached, and BioT does not keep unattached files: stop,
 * and let a person decide (or configure a per-upload entity).
 */
export class AttachTargetOccupied extends CodedError<'ATTACH_TARGET_OCCUPIED'> {
  override name = 'AttachTargetOccupied';
  readonly retryable = false;
}

/** The file id a FILE attribute holds ({id, ...}), if any. */
function heldFileId(entity: unknown, attribute: string): string | undefined {
  const value = (entity as Record<string, unknown> | null)?.[attribute];
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Where a file went: the entity its path names, and the per-upload generic entity when the rule makes one. */
export interface Attached {
  entityId: string;
  genericEntityId?: string;
}

/**
 * Attaches a completed BioT file to the entity its path names. With a
 * per-upload rule, creates a generic entity referencing that entity and
 * holding the file. Otherwise reads the entity first: an attribute holding
 * another file is never overwritten (AttachTargetOccupied); holding this one
 * already (a retry after an answer was lost) is fine.
 */
export async function attachByRule(
  entities: Pick<Entities, 'attachFile' | 'getEntity' | 'createGenericEntity'>,
  rule: AttachRule,
  relPath: string,
  biotFileId: string,
  signal?: AbortSignal,
): Promise<Attached> {
  const entityId = entityIdFor(rule, relPath);
  if (!entityId) throw new AttachRuleMismatch('ATTACH_NO_ENTITY_ID', "the folder's attach rule found no entity id in this file's path");
  const options = signal ? { signal } : {};
  if (rule.perUpload) {
    const created = await entities.createGenericEntity(
      rule.perUpload.template,
      {
        // BioT caps _name at 32 characters; the file id (not the export's name: no patient data) fits.
        _name: biotFileId.replaceAll('-', '').slice(0, 32),
        [rule.perUpload.referenceAttribute]: { id: entityId },
        [rule.attribute]: { id: biotFileId },
      },
      options,
    );
    return { entityId, genericEntityId: created._id };
  }
  const current = await entities.getEntity(rule.entity, entityId, options).catch((error: unknown) => {
    // Not found: the PATCH answers with BioT's own code (or, in the sandbox's demo mode, creates it).
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  });
  const held = heldFileId(current, rule.attribute);
  if (held !== undefined && held !== biotFileId) {
    throw new AttachTargetOccupied('ATTACH_TARGET_OCCUPIED', `the ${rule.entity}'s ${rule.attribute} already holds another file`);
  }
  await entities.attachFile({ entity: rule.entity, entityId, attribute: rule.attribute, fileId: biotFileId }, options);
  return { entityId };
}
