import type { BenchContext } from '../context.ts';
import type { Table } from '../table.ts';

export interface Scenario {
  name: string;
  describe: string;
  run(ctx: BenchContext): Promise<Table[]>;
}
