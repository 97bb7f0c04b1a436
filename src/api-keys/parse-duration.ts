/** Seconds in each unit a duration may use. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Seconds from a whole number of seconds (`3600`, also as text) or a number with a unit:
 * `90s`, `30m`, `24h`, `30d`, `2w`. Undefined for anything else (negative, fractional, unknown
 * unit), so the caller can say what it expected.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d{1,9})\s*([smhdw]?)\s*$/i.exec(value);
  if (match === null) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  return Number(match[1]) * (UNIT_SECONDS[unit === '' ? 's' : unit] ?? 1);
}
