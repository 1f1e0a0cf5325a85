/**
 * Look-alike names (issue 13 item 1): the board's `names` gives, per channel, the groups of
 * names whose UTS #39 skeletons are equal (packages/terminal/src/views/name-safety.ts): the
 * channel's name, its parties' names and its members as "party / member".
 */
export type Lookalikes = ReadonlyMap<string, readonly string[]>;

/** The board's `names[channel]`. */
export interface NameSafety {
  readonly lookAlike: readonly (readonly string[])[];
}

const EMPTY: Lookalikes = new Map();

const cache = new Map<string, Lookalikes>();

/** Each flagged name with the names it looks like; the same object for the same groups (rows compare it by identity). */
export function lookalikes(safety: NameSafety | undefined): Lookalikes {
  const key = JSON.stringify(safety ?? null);
  let found = cache.get(key);
  if (found === undefined) {
    if (cache.size > 64) cache.clear();
    found = build(safety);
    cache.set(key, found);
  }
  return found;
}

function build(safety: NameSafety | undefined): Lookalikes {
  const groups = safety?.lookAlike ?? [];
  if (groups.length === 0) return EMPTY;
  const out = new Map<string, string[]>();
  for (const g of groups) for (const name of g) out.set(name, [...(out.get(name) ?? []), ...g.filter((n) => n !== name)]);
  return out;
}
