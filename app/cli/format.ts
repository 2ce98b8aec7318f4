// Human-readable sizes, speeds and durations for the terminal views.
// Sizes say KB / MB / GB, as the window and Windows Explorer do (counted in
// 1024s, like both of them): staff compare the two, and "MiB" reads as a typo.

/** 1536 -> "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Bytes per second -> "12.3 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Seconds -> "1h02m", "3m05s", "42s"; null -> "--". */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return '--';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * A file name made safe for a terminal: control characters (ESC, CR, BEL, the
 * C1 range) shown as "?", so a name cannot move the cursor, clear the screen
 * or retitle the window.
 */
export function screenText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
