/**
 * One round of what a running terminal does: verify the log and the directory, join channels
 * it was invited to, resend what the relay has not acknowledged, verify every channel's new
 * envelopes, and replace its MLS keys where the charter's schedule says they are due.
 */
import { toHex } from '@hotline/log';
import type { Charter } from '@hotline/protocol';
import type { LogAlert, Terminal } from '../terminal.js';
import type { DirectoryAlert } from '../directory/directory.js';
import { acceptInvitations } from './join-channel.js';
import { updateKeysIfDue } from './send.js';
import { flushOutbox, syncChannel, type SyncOutcome } from './sync-channel.js';

export interface CatchUp {
  readonly logAlerts: (LogAlert | DirectoryAlert)[];
  readonly joined: Charter[];
  /** By channel id (hex). */
  readonly channels: Map<string, { charter: Charter; outcome: SyncOutcome }>;
}

export async function catchUp(t: Terminal, options: { join?: boolean; only?: Charter } = {}): Promise<CatchUp> {
  const logAlerts = await t.refresh();
  const joined = options.join === false ? [] : (await acceptInvitations(t)).joined;
  await flushOutbox(t);
  const channels = new Map<string, { charter: Charter; outcome: SyncOutcome }>();
  for (const charter of options.only === undefined ? t.charters.all() : [options.only]) {
    const outcome = await syncChannel(t, charter);
    channels.set(toHex(charter.channelId), { charter, outcome });
    if (outcome.pending === 0 && outcome.alerts.length === 0) await updateKeysIfDue(t, charter);
  }
  return { logAlerts, joined, channels };
}
