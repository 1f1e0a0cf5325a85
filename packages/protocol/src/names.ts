/** Party and member names: what may appear in certificates and on screens. */
import { isValidKeyName, utf8 } from '@hotline/log';

export const MAX_NAME_BYTES = 255;

/** The party-name rule in words, for error messages (the same words wherever a name is refused). */
export const PARTY_NAME_RULE = `a party name is the key name of its root vkey (c2sp.org/signed-note): 1 to ${MAX_NAME_BYTES} bytes of UTF-8, with no spaces, no "+" and no control characters`;

// signed-note's Unicode spaces (the same set as @hotline/log's isValidKeyName), and C0/DEL.
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const CONTROL = /[\u0000-\u001f\u007f]/u;
const NOT_IN_A_NAME = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000-\u001f\u007f+]+/gu;

/**
 * What is wrong with `name` as a party name, or undefined if nothing is. A party name doubles
 * as the key name of its root key, so it follows signed-note's rules (non-empty, no Unicode
 * space, no '+', well-formed text); it is shown on screens and stored in charters as a
 * string16, hence no control characters and a byte limit. Every place that accepts a party
 * name comes through here (isValidPartyName, parsePartyRoot, charters, certificates).
 */
export function partyNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (SPACE.test(name)) return 'it contains a space';
  if (name.includes('+')) return 'it contains "+" (the vkey separator)';
  if (CONTROL.test(name)) return 'it contains a control character';
  // What isValidKeyName refuses beyond the checks above: lone UTF-16 surrogates.
  if (!isValidKeyName(name)) return 'it is not well-formed text';
  if (utf8(name).length > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

export function isValidPartyName(name: string): boolean {
  return partyNameProblem(name) === undefined;
}

/**
 * A valid party name close to `name`, to suggest in an error: lower-case, each run of
 * characters a name cannot hold (spaces, '+', controls) replaced by one '-', none at the ends.
 * Undefined when nothing usable is left (an empty or all-space name).
 */
export function suggestPartyName(name: string): string | undefined {
  const suggestion = name.toLowerCase().replace(NOT_IN_A_NAME, '-').replace(/^-+|-+$/g, '');
  return isValidPartyName(suggestion) ? suggestion : undefined;
}

/** Member names are shown to people: printable, 1–255 bytes, no leading/trailing space. */
export function isValidMemberName(name: string): boolean {
  return name.length > 0 && utf8(name).length <= MAX_NAME_BYTES && !/[\u0000-\u001f\u007f]/.test(name) && name.trim() === name;
}
