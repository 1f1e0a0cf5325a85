/** ISO 8601 for a time in ms; a time a statement or record claims may be out of Date's range, so say so instead of throwing. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `(time ${ms} out of range)` : date.toISOString();
}
