/**
 * The words of the CLI's line formats (docs/spec/cli.md): views come from @hotline/terminal as
 * data, and this is the last step, where they become text.
 */
import { isoTime, type Alarm, type ConditionView, type EvidenceView, type MemberView, type TranscriptEntry } from '@hotline/terminal';

/** Control and bidi-override characters escaped, so text a person typed cannot rewrite the screen (as the transcript view does). */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** What `hotline ack`, `approve` and `edit` take, and what lines show: the id's first 12 hex digits. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** `#<seq>  <YYYY-MM-DD HH:MM:SS>Z  <12 hex>  <author>[  [<PRECEDENCE>]]  <text>[  !! INVALID: …]` */
export function entryLine(e: Pick<TranscriptEntry, 'seq' | 'time' | 'id' | 'author' | 'precedence' | 'text' | 'valid'>): string {
  const at = isoTime(e.time).replace('T', ' ').slice(0, 19);
  return `#${e.seq}  ${at}Z  ${shortId(e.id)}  ${e.author}${e.precedence === null ? '' : `  [${e.precedence}]`}  ${e.text}${e.valid ? '' : '  !! INVALID: broke a hotline rule (see alerts)'}`;
}

/** `!! ALERT <code>[ (seq <N>)]: <message>` */
export function alertLine(code: string, message: string, seq?: number | null): string {
  return `!! ALERT ${code}${seq === undefined || seq === null ? '' : ` (seq ${seq})`}: ${message}`;
}

export function evidenceLine(a: EvidenceView): string {
  return alertLine(a.code, a.message, a.seq);
}

export function openConditionLine(c: ConditionView): string {
  return alertLine(c.code, `${c.message} (open since ${isoTime(c.startedAt)})`);
}

/** `-- resolved <code> after <N> s: <message>` */
export function resolvedLine(c: ConditionView): string {
  return `-- resolved ${c.code} after ${Math.round(c.durationMs / 1000)} s: ${c.message}`;
}

/** "party / member" for a device the directory verified, else its key prefix; " (revoked)" once revoked. */
export function memberLabel(m: MemberView): string {
  const name = m.party === null ? `device ${m.deviceKey.slice(0, 12)}…` : `${m.party} / ${m.member}`;
  return m.revoked ? `${name} (revoked)` : name;
}

/** `!! ALARM <code> <LEVEL>: <message>` */
export function alarmLine(a: Pick<Alarm, 'code' | 'level' | 'message'>): string {
  return `!! ALARM ${a.code} ${a.level.toUpperCase()}: ${a.message}`;
}
