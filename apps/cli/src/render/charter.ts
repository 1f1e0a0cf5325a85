/** `hotline channel show`: the charter view as text. */
import { isoTime, type CharterView } from '@hotline/terminal';

export function describeCharter(c: CharterView): string {
  const deadlines = Object.entries(c.ackDeadlines).map(([p, d]) => `${p.toUpperCase()} ${d === 0 ? 'none' : `${d}s`}`);
  return [
    `channel   ${c.name}  (id ${c.id})`,
    `created   ${isoTime(c.created)}`,
    ...c.parties.map((p) => `party     ${p.name}  root ${p.rootKey.slice(0, 16)}…  ${p.signed ? 'SIGNED' : 'not signed yet'}`),
    `members   devices with role ${c.memberRoles.join(' or ')}${c.internal ? '  (internal channel: drafts and approvals)' : ''}`,
    `ack by    ${c.ackRoles.join(' or ')}`,
    ...c.approvals.map((a) => `approval  ${a.precedence.toUpperCase()} from ${a.party} needs ${a.required} approval(s) by ${a.roles.join(' or ')}`),
    `acks      ${deadlines.join(', ')}`,
    `liveness  heartbeat every ${c.heartbeatSeconds}s (late after ${c.lateSeconds}s, silent after ${c.silentSeconds}s); keys updated every ${c.keyUpdateSeconds}s`,
    `witnesses ${c.witnessPolicy.trim().split('\n').filter((l) => !l.startsWith('log ')).join('; ') || '(none)'}`,
    `forwards  ${c.forwardTo.length === 0 ? 'none: its messages cannot be forwarded with proof' : `may be forwarded to ${c.forwardTo.join(', ')}`}`,
  ].join('\n');
}
