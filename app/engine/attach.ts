// A folder's attach rule: which BioT entity a finished export belongs to,
// read from its path by the rule's pattern (named group `id`). BioT keeps a
// file only once it is attached to an entity.
import type { Entities } from '../biot/entities.ts';
import type { AttachRule } from '../config/schema.ts';

/** The entity id the rule finds in a folder-relative path, or undefined. */
export function entityIdFor(rule: AttachRule, relPath: string): string | undefined {
  const id = new RegExp(rule.idPattern).exec(relPath)?.groups?.id;
  return id ? id : undefined;
}

export class AttachRuleMismatch extends Error {
  override name = 'AttachRuleMismatch';
  readonly code = 'ATTACH_NO_ENTITY_ID';
}

/** Attaches a completed BioT file to the entity its path names; returns the entity id. */
export async function attachByRule(
  entities: Pick<Entities, 'attachFile'>,
  rule: AttachRule,
  relPath: string,
  biotFileId: string,
  signal?: AbortSignal,
): Promise<string> {
  const entityId = entityIdFor(rule, relPath);
  if (!entityId) throw new AttachRuleMismatch("the folder's attach rule found no entity id in this file's path");
  await entities.attachFile(
    { entity: rule.entity, entityId, attribute: rule.attribute, fileId: biotFileId },
    signal ? { signal } : {},
  );
  return entityId;
}
