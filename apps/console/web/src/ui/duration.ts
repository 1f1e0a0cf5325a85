import type { Translate } from '../i18n/i18n.js';

/** A duration in words: "1 h 05 min", "4 min 09 s", "12 s" (rounded down to whole seconds). */
export function duration(ms: number, t: Translate): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('durationHours', { h, m: String(m).padStart(2, '0') });
  if (m > 0) return t('durationMinutes', { m, s: String(s).padStart(2, '0') });
  return t('durationSeconds', { s });
}
