/** `hotline drafts`: the drafts view as text. */
import type { DeviceRef, DraftView } from '@hotline/terminal';
import { printable, shortId } from './lines.js';

function person(d: DeviceRef | null): string {
  return d === null ? 'unknown device' : `${d.party} / ${d.member}`;
}

const STATE: Record<DraftView['state'], (d: DraftView) => string> = {
  sent: (d) => `SENT as ${shortId(d.sent ?? '')}`,
  ready: () => "ready: its author's terminal sends it",
  waiting: () => 'waiting for approval',
};

export function printDrafts(list: readonly DraftView[], print: (line: string) => void): void {
  if (list.length === 0) print('no drafts');
  for (const d of list) {
    const approvers = d.approvedBy.length > 0 ? ` (${d.approvedBy.map(person).join(', ')})` : '';
    print(`${shortId(d.id)}  ${d.channel}  by ${person(d.author)}  approvals ${d.approvedBy.length}/${d.required}${approvers}  ${STATE[d.state](d)}`);
    print(`    ${printable(d.text)}`);
  }
}
