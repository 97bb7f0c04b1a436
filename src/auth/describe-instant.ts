/** How an instant relates to now, for the claim it comes from. */
export type InstantRole = 'exp' | 'nbf' | 'iat';

/**
 * A NumericDate as local time with its offset, and how far it is from now in words:
 * `2025-06-01 14:03:00 UTC+02:00 (expired 12 minutes ago)`.
 */
export function describeInstant(
  epochSeconds: number,
  nowSeconds: number,
  role: InstantRole,
): string {
  const delta = epochSeconds - nowSeconds;
  const span = humanDuration(Math.abs(delta));
  let relation: string;
  switch (role) {
    case 'exp':
      relation = delta <= 0 ? `expired ${span} ago` : `expires in ${span}`;
      break;
    case 'nbf':
      relation = delta <= 0 ? `valid since ${span} ago` : `valid only in ${span}`;
      break;
    case 'iat':
      relation = delta <= 0 ? `issued ${span} ago` : `issued ${span} in the future`;
      break;
  }
  return `${localTime(epochSeconds)} (${relation})`;
}

/** Local wall-clock time with its UTC offset, e.g. `2025-06-01 14:03:00 UTC+02:00`. */
export function localTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return `${epochSeconds} (not a representable time)`;
  const pad = (value: number): string => String(value).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
  );
}

/** Seconds in the largest unit that keeps the number readable: `90 seconds`, `12 minutes`. */
export function humanDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const unit = (value: number, name: string): string => `${value} ${name}${value === 1 ? '' : 's'}`;
  if (whole < 120) return unit(whole, 'second');
  if (whole < 120 * 60) return unit(Math.round(whole / 60), 'minute');
  if (whole < 48 * 3600) return unit(Math.round(whole / 3600), 'hour');
  return unit(Math.round(whole / 86_400), 'day');
}
