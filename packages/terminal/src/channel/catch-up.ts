/**
 * One round of what a running terminal does: verify the log and the directory, join channels
 * it was invited to, resend what the relay has not acknowledged, verify every channel's new
 * envelopes, and replace its MLS keys where the charter's schedule says they are due.
 */
import { toHex } from '@hotline/log';
import { ReceiptKind, statementId, StatementType, type Charter } from '@hotline/protocol';
import { channelAlarms, type Alarm } from '../rules/board.js';
import { heartbeatIfDue, sendApprovedDrafts, sendReceipts } from './rule-actions.js';
import type { LogAlert, Terminal } from '../terminal.js';
import type { DirectoryAlert } from '../directory/directory.js';
import { acceptInvitations } from './join-channel.js';
import { isRelayAnswer, isRelayUnavailable } from '../relay-api.js';
import { RELAY } from '../log-checks/log-health.js';
import { CatchUpError } from '../errors.js';
import { updateKeysIfDue } from './send.js';
import { flushOutbox, syncChannel, type SyncOutcome } from './sync-channel.js';

export interface CatchUp {
  readonly logAlerts: (LogAlert | DirectoryAlert)[];
  readonly joined: Charter[];
  /** By channel id (hex). */
  readonly channels: Map<string, { charter: Charter; outcome: SyncOutcome }>;
  /** Alarms raised for the first time in this round (deadlines passed, parties late or silent). */
  readonly alarms: { charter: Charter; alarm: Alarm }[];
}

/**
 * `act: false` only verifies (no receipts, heartbeats, approved drafts or key updates sent):
 * for looking without speaking.
 */
export async function catchUp(t: Terminal, options: { join?: boolean; only?: Charter; act?: boolean } = {}): Promise<CatchUp> {
  const logAlerts: (LogAlert | DirectoryAlert)[] = [];
  const joined: Charter[] = [];
  const channels = new Map<string, { charter: Charter; outcome: SyncOutcome }>();
  const alarms: { charter: Charter; alarm: Alarm }[] = [];
  const act = options.act !== false;
  const charters = () => (options.only === undefined ? t.charters.all() : [options.only]);
  let failure: unknown;
  try {
    logAlerts.push(...(await t.refresh()));
    if (options.join !== false) joined.push(...(await acceptInvitations(t)).joined);
    await flushOutbox(t);
    for (const charter of charters()) {
      if (t.charters.removedAt(charter.channelId) !== undefined) continue; // removed from it: read-only history
      const outcome = await syncChannel(t, charter);
      channels.set(toHex(charter.channelId), { charter, outcome });
      // Envelopes still waiting for a cosigned checkpoint are no lie: the liveness test and the
      // receipts for what was verified go out regardless (citing the verified head), or a lag of
      // the witnesses would silence the heartbeat that tells the other side this one is alive.
      const settled = outcome.alerts.every((a) => !STREAM_ALERTS.has(a.code));
      if (act && settled) {
        const delivered = outcome.accepted.filter((a) => a.breach === undefined && a.statement.type === StatementType.message && t.directory.device(a.statement.author, t.now())?.party !== t.certificate.party);
        await sendReceipts(t, charter, delivered.map((a) => statementId(a.statement)), ReceiptKind.delivered);
        await heartbeatIfDue(t, charter);
        await updateKeysIfDue(t, charter);
      }
    }
    if (act) await sendApprovedDrafts(t);
  } catch (error) {
    failure = error;
  } finally {
    // Alarms come from the archive and the clock alone: a relay that cannot be reached (the
    // very case alarms exist for) must not silence them.
    const devices = new Map(t.directory.all().map((e) => [toHex(e.deviceKey), e]));
    for (const charter of charters()) {
      for (const alarm of channelAlarms(charter, t.archive, devices, t.now(), t.cutOff())) {
        if (t.archive.raiseAlarm(charter.channelId, alarm)) alarms.push({ charter, alarm });
      }
    }
  }
  if (failure !== undefined) throw new CatchUpError(failure, alarms);
  return { logAlerts, joined, channels, alarms };
}

/**
 * A catch-up round for whatever runs on a relay that may be away (status, watch, the running
 * terminal): if the relay is not serving — unreachable, 5xx, 429, or refusing what a catch-up
 * needs — the outage is recorded as the condition `unavailable` (once: if the refresh already
 * recorded it, that is the line) and the round is undefined; the caller shows the archive.
 * Alarms raised either way are returned. Any other failure is thrown.
 */
export async function catchUpOrRecordOutage(t: Terminal, options: { only?: Charter } = {}): Promise<{ round: CatchUp | undefined; alarms: { charter: Charter; alarm: Alarm }[] }> {
  try {
    const round = await catchUp(t, options);
    t.conditions.end('unavailable', RELAY);
    return { round, alarms: round.alarms };
  } catch (error) {
    if (!isRelayUnavailable(error) && !isRelayAnswer(error)) throw error;
    const why = error instanceof Error ? error.message : String(error);
    if (!t.conditions.isOpen('unavailable')) t.conditions.raise('unavailable', RELAY, isRelayAnswer(error) ? `the relay at ${t.relayUrl} is not serving: ${why}` : `cannot reach the relay at ${t.relayUrl}`);
    return { round: undefined, alarms: error instanceof CatchUpError ? error.alarms : [] };
  }
}


/** Alerts after which a channel's stream is stuck: no receipts or heartbeats on top of a lie. */
const STREAM_ALERTS = new Set(['malformed_delivery', 'record_mismatch', 'envelope_mismatch', 'replayed', 'gap', 'withheld', 'not_served', 'out_of_order', 'bad_receive_time', 'chain_mismatch', 'not_included', 'policy_not_met']);
