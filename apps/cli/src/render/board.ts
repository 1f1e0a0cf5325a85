/**
 * `hotline status`: the board view (@hotline/terminal boardView) as text, and as the JSON
 * docs/spec/cli.md promises — the view itself, except the members that page has always given
 * as ISO 8601 (`log.cosignedAt`, an alert's `since` or `at`, a resolved condition's `ended`).
 */
import { isoTime, type BoardView, type ChannelView, type ConditionView, type EvidenceView } from '@hotline/terminal';
import { memberLabel } from './lines.js';

function time(ms: number | null): string {
  return ms === null ? 'never' : `${isoTime(ms).slice(11, 19)}Z`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

function conditionJson(c: ConditionView) {
  return {
    kind: c.kind,
    id: c.id,
    code: c.code,
    message: c.message,
    channel: c.channel,
    since: isoTime(c.startedAt),
    ...(c.endedAt === null ? {} : { ended: isoTime(c.endedAt) }),
    durationSeconds: Math.round(c.durationMs / 1000),
  };
}

function evidenceJson(a: EvidenceView) {
  return { kind: a.kind, id: a.id, channel: a.channel, code: a.code, message: a.message, seq: a.seq, logIndex: a.logIndex, at: isoTime(a.at), ...(a.evidence === null ? {} : { evidence: a.evidence }) };
}

/** `status --json` (docs/spec/cli.md). */
export function statusJson(b: BoardView) {
  return {
    now: b.now,
    device: b.device,
    relay: b.relay,
    log: b.log === null ? null : { ...b.log, witnessCosignatures: b.log.witnesses.length, cosignedAt: isoTime(b.log.cosignedAt) },
    bounds: b.bounds,
    directory: b.directory,
    channels: b.channels,
    alerts: [...b.alerts.open.map(conditionJson), ...b.alerts.evidence.map(evidenceJson)],
    resolved: b.alerts.resolved.map(conditionJson),
  };
}

function printChannel(c: ChannelView, print: (line: string) => void): void {
  print(`channel   ${c.name}  (${c.id.slice(0, 8)})  ${c.parties.join(' ⇄ ')}`);
  print(`          head seq ${c.head.seq} chain ${c.head.chain.slice(0, 16)}…  epoch ${c.epoch}${c.keyUpdateDue ? '  (key update due)' : ''}${c.unsent > 0 ? `  ${c.unsent} unsent` : ''}`);
  print(`          members: ${c.members.map(memberLabel).join('; ')}`);
  if (c.internal) {
    print('          (this party\'s internal channel: drafts and approvals)');
    return;
  }
  print(`          ${c.board.frozen ? 'FROZEN by a principal: only heartbeats and unfreeze' : 'not frozen'}`);
  for (const p of c.board.parties) {
    print(`          ${p.party.padEnd(12)} ${p.state.toUpperCase().padEnd(6)} last heartbeat ${time(p.lastHeartbeat)}, last message ${time(p.lastMessage)}, co-signed the transcript to #${p.cosignedSeq}${p.reason === null ? '' : ` (shown silent: ${p.reason.split(':')[0]})`}`);
  }
  for (const d of c.board.deadlines.slice(-10)) {
    const state = d.state === 'met' ? `acknowledged ${time(d.ackedAt)}` : d.state === 'pending' ? `due ${time(d.due)}` : `${d.state.toUpperCase()} (due ${time(d.due)}${d.ackedAt === null ? '' : `, acknowledged ${time(d.ackedAt)}`})`;
    print(`          ack ${d.precedence.padEnd(9)} #${d.seq} ${d.from} → ${d.to}: ${state}`);
  }
  for (const a of c.board.alarms) print(`ALARM     ${a.code} ${a.level.toUpperCase()}: ${a.message}`);
}

export function printBoard(b: BoardView, print: (line: string) => void): void {
  print(`device    ${b.device.party} / ${b.device.member} (${b.device.roles.join(', ')})  ${b.device.key.slice(0, 16)}…`);
  print(`relay     ${b.relay.url}${b.relay.reachable ? '' : '  NOT SERVING: showing the last verified state from the archive'}`);
  print(b.log === null ? 'log       no verified checkpoint yet' : `log       ${b.log.origin} size ${b.log.size} root ${b.log.root.slice(0, 16)}…  ${b.log.witnesses.length} witness cosignature(s), newest ${isoTime(b.log.cosignedAt)}`);
  print(`bounds    freshness ${b.bounds.freshnessSeconds} s, coverage ${b.bounds.coverageSeconds} s`);
  print(`directory ${b.directory.devices} verified device(s)`);
  if (b.channels.length === 0) print('channels  none yet (hotline channel join, or hotline channel open)');
  for (const c of b.channels) printChannel(c, print);
  const { open, evidence, resolved } = b.alerts;
  if (open.length === 0 && evidence.length === 0) print('alerts    none');
  for (const c of open) print(`ALERT     ${c.code} open for ${duration(c.durationMs)} (since ${isoTime(c.startedAt)}): ${c.message}`);
  for (const a of evidence) print(`ALERT     ${isoTime(a.at)}  ${a.code}${a.seq === null ? '' : ` seq ${a.seq}`}: ${a.message}`);
  for (const r of resolved) print(`resolved  ${r.code} for ${duration(r.durationMs)} (${isoTime(r.startedAt)} – ${isoTime(r.endedAt ?? b.now)}): ${r.message}`);
}
