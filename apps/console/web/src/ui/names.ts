/**
 * Look-alike names (issue 13 item 1): the board's `names` gives, per channel, the groups of
 * names whose UTS #39 skeletons are equal. Its exact shape is the server's; this reads the
 * plausible ones — an array of groups, or an object holding one under `groups`/`lookalikes`/
 * `confusable` — and ignores anything else rather than failing the page.
 */
export type Lookalikes = ReadonlyMap<string, readonly string[]>;

const EMPTY: Lookalikes = new Map();

function groupsOf(safety: unknown): string[][] {
  const candidates = Array.isArray(safety) ? safety : typeof safety === 'object' && safety !== null ? ['groups', 'lookalikes', 'confusable', 'lookAlike'].map((k) => (safety as Record<string, unknown>)[k]).find(Array.isArray) : undefined;
  if (!Array.isArray(candidates)) return [];
  return candidates.flatMap((g: unknown) => {
    const names = Array.isArray(g) ? g : typeof g === 'object' && g !== null && Array.isArray((g as { names?: unknown }).names) ? (g as { names: unknown[] }).names : [];
    const strings = names.filter((n): n is string => typeof n === 'string');
    return strings.length > 1 ? [strings] : [];
  });
}

const cache = new Map<string, Lookalikes>();

/** Each flagged name with the names it looks like; the same object for the same groups (rows compare it by identity). */
export function lookalikes(safety: unknown): Lookalikes {
  const key = JSON.stringify(safety ?? null);
  let found = cache.get(key);
  if (found === undefined) {
    if (cache.size > 64) cache.clear();
    found = build(safety);
    cache.set(key, found);
  }
  return found;
}

function build(safety: unknown): Lookalikes {
  const groups = groupsOf(safety);
  if (groups.length === 0) return EMPTY;
  const out = new Map<string, string[]>();
  for (const g of groups) for (const name of g) out.set(name, [...(out.get(name) ?? []), ...g.filter((n) => n !== name)]);
  return out;
}
