// A folder's attach rule: which BioT entity a finished export belongs to,
// read from its path by the rule's pattern (named group `id`). BioT keeps a
// file only once it is attached to an entity.
import type { Entities } from '../biot/entities.ts';
import type { AttachRule, FolderConfig } from '../config/schema.ts';
import type { AttachTarget } from '../store/queue.ts';
import { CodedError } from '../common/coded-error.ts';
import type { OneAtATime } from './one-at-a-time.ts';

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
 * The entity's FILE attribute holds another file (before our write, or after
 * it: another writer came between). Setting it would leave that file
 * unattached, and BioT does not keep unattached files: stop, and let a person
 * decide (or configure a per-upload entity). `heldFileId` names the other file.
 */
export class AttachTargetOccupied extends CodedError<'ATTACH_TARGET_OCCUPIED'> {
  override name = 'AttachTargetOccupied';
  readonly retryable = false;
  readonly heldFileId: string;
  constructor(message: string, heldFileId: string) {
    super('ATTACH_TARGET_OCCUPIED', message);
    this.heldFileId = heldFileId;
  }
}

/** The attribute was written but read back empty (cleared by someone meanwhile): not attached; tried again later. */
export class AttachNotKept extends CodedError<'ATTACH_NOT_KEPT'> {
  override name = 'AttachNotKept';
  readonly retryable = true;
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
 * holding the file. Otherwise the entity's attribute is read, written and read
 * back, one upload at a time per entity + attribute (`turns`, one per engine).
 */
export async function attachByRule(
  entities: Pick<Entities, 'attachFile' | 'getEntity' | 'createGenericEntity'>,
  rule: AttachRule,
  relPath: string,
  biotFileId: string,
  signal?: AbortSignal,
  turns?: OneAtATime,
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
  const attach = () => setAttribute(entities, rule, entityId, biotFileId, options);
  // Ids are compared as BioT does (UUIDs in any case); serialising a little more than needed costs nothing.
  const key = JSON.stringify([rule.entity, entityId.toLowerCase(), rule.attribute]);
  await (turns ? turns.run(key, attach) : attach());
  return { entityId };
}

/**
 * Read, write, read back. An attribute holding another file is never
 * overwritten; holding this one already is fine (a retry after a lost answer,
 * or a crash after the write: the read-back of that earlier run is this read).
 * BioT has no compare-and-set, so the write may still race a writer outside
 * this engine (a person, another PC): the read-back after it is what decides.
 * A file the attribute does not hold then is not attached, whatever the
 * PATCH answered. A crash anywhere in here leaves the row not done, and the
 * next run starts again with the first read, which tells the two cases apart.
 */
async function setAttribute(
  entities: Pick<Entities, 'attachFile' | 'getEntity'>,
  rule: AttachRule,
  entityId: string,
  biotFileId: string,
  options: { signal?: AbortSignal },
): Promise<void> {
  const read = async () => {
    const entity = await entities.getEntity(rule.entity, entityId, options).catch((error: unknown) => {
      // Not found: the PATCH answers with BioT's own code (or, in the sandbox's demo mode, creates it).
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    });
    return heldFileId(entity, rule.attribute);
  };
  const occupied = (held: string) => new AttachTargetOccupied(`the ${rule.entity}'s ${rule.attribute} already holds another file`, held);
  const before = await read();
  if (before === biotFileId) return;
  if (before !== undefined) throw occupied(before);
  await entities.attachFile({ entity: rule.entity, entityId, attribute: rule.attribute, fileId: biotFileId }, options);
  const after = await read();
  if (after === biotFileId) return;
  if (after !== undefined) throw occupied(after);
  throw new AttachNotKept('ATTACH_NOT_KEPT', `the ${rule.entity}'s ${rule.attribute} was cleared right after it was set; will try again`);
}
