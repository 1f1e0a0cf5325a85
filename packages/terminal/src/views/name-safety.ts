/**
 * Names that look alike (console-api.md §4, issue 13: "names in one channel that look alike
 * (UTS #39 skeletons) flagged"). A hostile or careless party could register "Wаshington" with a
 * Cyrillic а beside "Washington": the console flags every name whose skeleton another name of
 * the channel shares, so a duty officer does not take one for the other.
 *
 * skeleton(X), UTS #39 §4: NFD; remove Default_Ignorable_Code_Point characters; replace each
 * character by its prototype from confusables.txt; NFD again. The prototypes come from the
 * `unhomoglyph` package's data.json — confusables.txt 13.0.0 as a plain source → prototype map
 * (docs/design/decisions.md says why that package and what its age means).
 */
import { createRequire } from 'node:module';
import type { Charter } from '@hotline/protocol';
import type { Terminal } from '../terminal.js';
import { membersView } from './members-view.js';

const PROTOTYPES = createRequire(import.meta.url)('unhomoglyph/data.json') as Readonly<Record<string, string>>;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** The UTS #39 skeleton of a string: equal skeletons mean the strings can be confused. */
export function skeleton(text: string): string {
  let out = '';
  for (const c of text.normalize('NFD').replace(IGNORABLE, '')) out += Object.hasOwn(PROTOTYPES, c) ? PROTOTYPES[c] : c;
  return out.normalize('NFD');
}

/** Groups (two or more) of distinct names whose skeletons are equal, each in first-seen order. */
export function lookAlikeNames(names: readonly string[]): string[][] {
  const bySkeleton = new Map<string, string[]>();
  for (const name of new Set(names)) {
    const key = skeleton(name);
    const group = bySkeleton.get(key);
    if (group === undefined) bySkeleton.set(key, [name]);
    else group.push(name);
  }
  return [...bySkeleton.values()].filter((g) => g.length >= 2);
}

/** The channel's look-alike names: its own name, its parties' names, and its members as "party / member". */
export function channelNameSafety(t: Pick<Terminal, 'groups' | 'directory'>, charter: Charter): { lookAlike: string[][] } {
  const members = membersView(t, charter).flatMap((m) => (m.party === null || m.member === null ? [] : [`${m.party} / ${m.member}`]));
  return { lookAlike: lookAlikeNames([charter.name, ...charter.parties.map((p) => p.name), ...members]) };
}
