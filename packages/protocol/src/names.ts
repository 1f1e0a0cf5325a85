/** Party and member names: what may appear in certificates and on screens. */
import { isValidKeyName, utf8 } from '@hotline/log';

export const MAX_NAME_BYTES = 255;

/** A party name doubles as the key name of its root key, so it follows signed-note's rules. */
export function isValidPartyName(name: string): boolean {
  return isValidKeyName(name) && utf8(name).length <= MAX_NAME_BYTES && !/[\u0000-\u001f\u007f]/.test(name);
}

/** Member names are shown to people: printable, 1–255 bytes, no leading/trailing space. */
export function isValidMemberName(name: string): boolean {
  return name.length > 0 && utf8(name).length <= MAX_NAME_BYTES && !/[\u0000-\u001f\u007f]/.test(name) && name.trim() === name;
}
