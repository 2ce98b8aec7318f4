// Types for pino-roll (it ships none): only what log-file.ts uses. The stream
// it answers is a sonic-boom; described here by the calls we make on it, so
// the project does not import a transitive package's types.
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export interface RollStream extends EventEmitter {
    write(line: string): boolean;
    end(): void;
    destroy(): void;
    readonly destroyed: boolean;
    /** -1 until the file is open. */
    readonly fd: number;
    /** The file now written to. */
    readonly file: string;
  }

  export interface RollOptions {
    file: string;
    extension?: string;
    /** "10m", "512k", "4096b"; a bare number is MiB. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    /** sonic-boom: bytes buffered before further lines are dropped ('drop' event). */
    maxLength?: number;
    maxWrite?: number;
  }

  export default function roll(options: RollOptions): Promise<RollStream>;
}
