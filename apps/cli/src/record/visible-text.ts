/**
 * Message text is hostile input: a rendering shows every character a person could not see as a
 * visible escape, so the page cannot be made to say something the statement does not. Control
 * characters, bidi overrides and isolates (which can reorder what is shown, "Trojan Source"),
 * zero-width and other invisible format characters become `\u{…}`; a newline stays a line break
 * and a tab becomes a space.
 */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/gu;

export function visibleText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(INVISIBLE, escapeCodePoint);
}

/** `\u{202e}`: the code point in hex, ASCII only, so any font shows it. */
export function escapeCodePoint(c: string): string {
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** `2026-12-02 13:39:19.123Z`: record times in UTC, never the reader's zone (a rendering is the same everywhere). */
export function utcTime(ms: number): string {
  // An author's clock is a u64 it chose: past year 275760 a Date cannot show it, the number can.
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms after the epoch` : date.toISOString().replace('T', ' ');
}
