/**
 * What `hotline watch` prints, from the views: lines (docs/spec/cli.md "hotline watch") or, with
 * --json, one JSON object per line, each with an `event` member naming what it is.
 */
import { isoTime, type Alarm, type ConditionView, type EvidenceView, type TranscriptEntry } from '@hotline/terminal';
import { alarmLine, entryLine, evidenceLine, openConditionLine, resolvedLine } from './lines.js';

export interface WatchOutput {
  /** First: what is watched, and the verified head the history ends at. */
  watching(channel: { name: string; id: string; parties: readonly string[] }, head: number): void;
  statement(channel: string, entry: TranscriptEntry): void;
  /** `onRecord`: an alert stored before watch started, shown once at the start. */
  evidence(alert: EvidenceView, onRecord: boolean): void;
  conditionOpened(condition: ConditionView): void;
  conditionEnded(condition: ConditionView): void;
  alarm(channel: string, alarm: Alarm): void;
  /** The relay stopped or started answering (not printed for --once). */
  relay(url: string, reachable: boolean, retryMs: number): void;
  /** Something of watch's own machinery, such as a hook that failed. */
  note(text: string): void;
}

export function textOutput(print: (line: string) => void): WatchOutput {
  return {
    watching: (c, head) => print(`watching ${c.name} (${c.parties.join(' ⇄ ')}); verified head seq ${head}. Ctrl-C stops.`),
    statement: (_channel, e) => print(entryLine(e)),
    evidence: (a, onRecord) => print(onRecord ? `${evidenceLine(a)}  (on record since ${isoTime(a.at)})` : evidenceLine(a)),
    conditionOpened: (c) => print(openConditionLine(c)),
    conditionEnded: (c) => print(resolvedLine(c)),
    alarm: (_channel, a) => print(alarmLine(a)),
    relay: (url, reachable, retryMs) => print(reachable ? `(the relay at ${url} answers again)` : `(cannot reach the relay at ${url}: showing what is verified; retrying every ${retryMs} ms)`),
    note: (text) => print(`(${text})`),
  };
}

export function jsonOutput(print: (line: string) => void): WatchOutput {
  const emit = (event: string, value: object) => print(JSON.stringify({ event, ...value }));
  return {
    watching: (c, head) => emit('watching', { channel: c.name, id: c.id, parties: c.parties, head }),
    statement: (channel, e) => emit('statement', { channel, ...e }),
    evidence: (a, onRecord) => emit('alert', { ...a, onRecord }),
    conditionOpened: (c) => emit('condition_opened', c),
    conditionEnded: (c) => emit('condition_ended', c),
    alarm: (channel, a) => emit('alarm', { channel, ...a }),
    relay: (url, reachable) => emit('relay', { url, reachable }),
    note: (text) => emit('note', { text }),
  };
}

