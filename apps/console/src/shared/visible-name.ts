/**
 * Names (party, member, channel) as the console shows them (docs/spec/console-api.md §4): a
 * character that is invisible or changes the direction of what follows is replaced by a visible
 * token such as ⟨U+200B⟩, so "alice" and "ali\u200Bce", or a name that reverses the text after
 * it, never look the same as an honest name.
 *
 * Pure and DOM-free: the page imports it, and the node test runner tests it.
 */

/**
 * Cc, Cf, Zl and Zp. Cf already holds every bidi control the spec lists (U+061C, U+200E–U+200F,
 * U+202A–U+202E, U+2066–U+2069) and the zero-width ones (U+200B–U+200D, U+2060, U+FEFF);
 * they are named again so the rule still holds should a Unicode version move one.
 */
const HIDDEN_CLASS = '[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]';
/** Not global: `test` and `matchAll` on a shared global regex would carry `lastIndex` between calls. */
const HIDDEN = new RegExp(HIDDEN_CLASS, 'u');

export interface NamePart {
  readonly text: string;
  /** True for a token standing for a hidden character. */
  readonly hidden: boolean;
}

/** "U+200B" for U+200B; at least four hex digits, upper case, as Unicode writes code points. */
export function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The name split into plain runs and tokens for hidden characters, in order. */
export function nameParts(name: string): NamePart[] {
  const parts: NamePart[] = [];
  let last = 0;
  for (const match of name.matchAll(new RegExp(HIDDEN_CLASS, 'gu'))) {
    const at = match.index;
    if (at > last) parts.push({ text: name.slice(last, at), hidden: false });
    parts.push({ text: `⟨${codePointLabel(match[0])}⟩`, hidden: true });
    last = at + match[0].length;
  }
  if (last < name.length) parts.push({ text: name.slice(last), hidden: false });
  return parts;
}

/** The name with each hidden character replaced by its token. */
export function visibleName(name: string): string {
  return nameParts(name).map((p) => p.text).join('');
}

/** True if the name holds a character shown as a token. */
export function hasHiddenCharacters(name: string): boolean {
  return HIDDEN.test(name);
}
