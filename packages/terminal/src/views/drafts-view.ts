/**
 * This party's drafts as typed data (issue 11 item 2): each draft of the two-person rule, who
 * approved it, how many approvals the rule needs, and whether its author's terminal sent it.
 */
import { precedenceName } from '@hotline/verify';
import { drafts } from '../channel/rule-actions.js';
import type { Terminal } from '../terminal.js';
import type { DeviceRef } from './device-ref.js';

/** sent: went out as a message; ready: approvals met, its author's terminal sends it; waiting: needs approvals. */
export type DraftState = 'sent' | 'ready' | 'waiting';

export interface DraftView {
  /** The draft statement's id, whole (64 hex): what `hotline approve` takes (a prefix will do). */
  readonly id: string;
  /** The channel the draft is for, by name. */
  readonly channel: string;
  readonly author: DeviceRef | null;
  /** flash, immediate, priority or routine. */
  readonly precedence: string;
  readonly language: string;
  readonly text: string;
  readonly approvedBy: readonly DeviceRef[];
  readonly required: number;
  /** The id of the message it went out as (64 hex), or null. */
  readonly sent: string | null;
  /** True if this device drafted it. */
  readonly mine: boolean;
  readonly state: DraftState;
}

export function draftsView(t: Terminal): DraftView[] {
  return drafts(t).map((d) => ({
    id: d.id,
    channel: d.channel,
    author: d.author,
    precedence: precedenceName(d.body.precedence).toLowerCase(),
    language: d.body.language,
    text: d.body.text,
    approvedBy: d.approvedBy,
    required: d.required,
    sent: d.sent ?? null,
    mine: d.mine,
    state: d.sent !== undefined ? 'sent' : d.approvedBy.length >= d.required ? 'ready' : 'waiting',
  }));
}
