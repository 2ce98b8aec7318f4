// The attach rule's logic against an entity that another writer also sets
// (BioT has no compare-and-set): the attribute is read back after the write,
// and attaches to one entity + attribute take turns. The real race, engine
// and sandbox, is test/integration/engine-attach-race.test.ts.
import { describe, expect, it } from 'vitest';
import { attachByRule, AttachNotKept, AttachTargetOccupied } from '../../app/engine/attach.ts';
import { OneAtATime } from '../../app/engine/one-at-a-time.ts';
import type { AttachRule } from '../../app/config/schema.ts';

const patient = '0f8fad5b-d9cb-469f-a165-70867728950e';
const rule = { entity: 'patient', idPattern: '^(?<id>[0-9a-f-]{36})/', attribute: 'rec' } as AttachRule;
const relPath = `${patient}/rec.edf`;

/** One entity's attribute; `afterWrite` plays another writer acting right after each PATCH. */
function entityWith(afterWrite?: (attrs: Record<string, unknown>) => void) {
  const attrs: Record<string, unknown> = {};
  const calls: string[] = [];
  const tick = () => new Promise((r) => setImmediate(r));
  return {
    attrs,
    calls,
    entities: {
      async getEntity() {
        calls.push('get');
        await tick();
        return { ...attrs } as never;
      },
      async attachFile(request: { attribute: string; fileId: string }) {
        calls.push('patch');
        await tick();
        attrs[request.attribute] = { id: request.fileId };
        afterWrite?.(attrs);
        return { ...attrs } as never;
      },
      async createGenericEntity() {
        throw new Error('not in these tests');
      },
    },
  };
}

describe('attachByRule: read, write, read back', () => {
  it('a file the attribute holds after the write is attached', async () => {
    const e = entityWith();
    await expect(attachByRule(e.entities, rule, relPath, 'file-a')).resolves.toEqual({ entityId: patient });
    expect(e.calls).toEqual(['get', 'patch', 'get']);
  });

  it('another writer right after ours: not attached, and the error names the file the attribute holds', async () => {
    const e = entityWith((attrs) => (attrs.rec = { id: 'file-other' }));
    const attempt = attachByRule(e.entities, rule, relPath, 'file-a');
    await expect(attempt).rejects.toBeInstanceOf(AttachTargetOccupied);
    await expect(attempt).rejects.toMatchObject({ heldFileId: 'file-other', code: 'ATTACH_TARGET_OCCUPIED' });
  });

  it('cleared right after the write: not attached, tried again later', async () => {
    const e = entityWith((attrs) => delete attrs.rec);
    await expect(attachByRule(e.entities, rule, relPath, 'file-a')).rejects.toBeInstanceOf(AttachNotKept);
  });

  it('already holding this file (a run cut off after its write): nothing is written again', async () => {
    const e = entityWith();
    e.attrs.rec = { id: 'file-a' };
    await attachByRule(e.entities, rule, relPath, 'file-a');
    expect(e.calls).toEqual(['get']);
  });

  it('two files for one attribute at once: with turns, one is attached and the other finds it taken', async () => {
    const e = entityWith();
    const turns = new OneAtATime();
    const results = await Promise.allSettled(['file-a', 'file-b'].map((f) => attachByRule(e.entities, rule, relPath, f, undefined, turns)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ heldFileId: 'file-a' });
    expect(e.attrs.rec).toEqual({ id: 'file-a' });
    expect(turns.size).toBe(0);
  });
});

describe('OneAtATime', () => {
  it('runs tasks of one key one after another, in the order asked, past a failing one', async () => {
    const turns = new OneAtATime();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} start`);
        await new Promise((r) => setImmediate(r));
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const runs = [turns.run('k', task('a')), turns.run('k', task('b', true)), turns.run('k', task('c')), turns.run('other', task('x'))];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const ofK = log.filter((l) => !l.startsWith('x'));
    expect(ofK).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    // Another key does not wait for this one.
    expect(log.indexOf('x start')).toBeLessThan(log.indexOf('a end'));
    expect(turns.size).toBe(0);
  });
});
