// Fault injection and call counters: tests script failures per operation
// ("the 2nd file.complete answers 500", "drop every storage.putPart from the
// 3rd") and assert on how often each operation was called.

/** Every operation the sandbox counts and can fault. */
export const operationNames = [
  'ums.login',
  'ums.refresh',
  'ums.serviceToken',
  'file.createSingle',
  'file.createMultipart',
  'file.saveEtags',
  'file.partLinks',
  'file.complete',
  'file.cancel',
  'file.download',
  'entity.patch',
  'entity.get',
  'entity.create',
  'storage.putPart',
  'storage.putObject',
  'storage.get',
] as const;

export type OperationName = (typeof operationNames)[number];

/**
 * One scripted fault. The rule hits calls nth .. nth+times-1 to `op`, counted
 * from when the rule was added (nth 1 = the next call). On a hit, after
 * `delayMs`, the first of these applies: `drop` (destroy the socket, no
 * answer), `status` (a BioT-shaped error; an S3-style XML error for storage
 * ops), `stallAfterBytes` (storage: move that many body bytes, then hang),
 * `corruptEtag` (storage.putPart, storage.get: answer with a wrong MD5-shaped ETag); with none of
 * them the call just runs late. Three more act on the answer of a call that
 * did its work: `dropAnswer` (the server acted, then the connection is cut:
 * a lost answer), `holdAnswer` (the server acted and never answers, until the
 * client hangs up: a process killed while waiting), `opaqueEtag` (storage:
 * the ETag header is replaced by one that is not an MD5, as a KMS bucket or a
 * middlebox answers).
 */
export interface FaultRule {
  op: OperationName;
  nth?: number;
  /** How many calls it hits; Infinity = every call from nth on. Default 1. */
  times?: number;
  delayMs?: number;
  drop?: boolean;
  status?: number;
  code?: string;
  message?: string;
  stallAfterBytes?: number;
  corruptEtag?: boolean;
  /** With `status`: a Retry-After header in seconds (429/503 from a loaded BioT or storage). */
  retryAfterSeconds?: number;
  dropAnswer?: boolean;
  holdAnswer?: boolean;
  opaqueEtag?: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  /** Calls to rule.op already made when the rule was added. */
  base: number;
}

/** Arrival times kept per operation: enough for any test, bounded for a demo sandbox that runs for days. */
const maxTimes = 10_000;

/** The fault rules in force, the call counters and when the calls came. */
export class FaultBook {
  readonly #counts = new Map<OperationName, number>();
  readonly #times = new Map<OperationName, number[]>();
  #rules: ActiveRule[] = [];

  /** Adds a rule (validated, so a typo in a test fails loudly). */
  add(rule: FaultRule): void {
    if (!operationNames.includes(rule.op)) throw new Error(`unknown sandbox operation: ${String(rule.op)}`);
    if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1)) throw new Error('fault nth must be an integer >= 1');
    if (rule.status !== undefined && (rule.status < 100 || rule.status > 599)) throw new Error('fault status must be an HTTP status');
    this.#rules.push({ rule, base: this.calls(rule.op) });
  }

  /** Removes every rule (counters stay). */
  clear(): void {
    this.#rules = [];
  }

  /** How many calls `op` has had since the sandbox started. */
  calls(op: OperationName): number {
    return this.#counts.get(op) ?? 0;
  }

  /** When the calls to `op` arrived (epoch ms), oldest first; the last 10,000. */
  times(op: OperationName): number[] {
    return [...(this.#times.get(op) ?? [])];
  }

  /** Counts one call to `op` and returns the fault to apply to it, if any (rules merge, first wins per field). */
  record(op: OperationName): FaultRule | undefined {
    const count = this.calls(op) + 1;
    this.#counts.set(op, count);
    const times = this.#times.get(op) ?? [];
    times.push(Date.now());
    if (times.length > maxTimes) times.shift();
    this.#times.set(op, times);
    let hit: FaultRule | undefined;
    for (const { rule, base } of this.#rules) {
      if (rule.op !== op) continue;
      const index = count - base; // 1 = first call after the rule was added
      const first = rule.nth ?? 1;
      const times = rule.times ?? 1;
      if (index >= first && index < first + times) hit = { ...rule, ...hit };
    }
    return hit;
  }
}

/** Waits ms milliseconds (0 or undefined: not at all). */
export function pause(ms: number | undefined): Promise<void> {
  return ms ? new Promise((done) => setTimeout(done, ms)) : Promise.resolve();
}
