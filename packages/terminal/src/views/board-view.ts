/**
 * The board as typed data (issue 11 item 2): what `hotline status` shows and the console will
 * draw — the log checkpoint this terminal holds, its bounds, this device, each channel (parties,
 * members, verified head, MLS epoch, and the hotline rules' board: liveness per party, how far
 * each party co-signed, acknowledgement deadlines, alarms), and the alerts.
 *
 * Conventions of every view (docs/design/terminal.md): times are ms since the Unix epoch;
 * hashes, keys and ids are whole lower-case hex; absent values are null, never missing keys.
 */
import { toHex } from '@hotline/log';
import type { Charter } from '@hotline/protocol';
import type { Bounds } from '../log-checks/bounds.js';
import { channelBoard, type ChannelBoard, type CutOff } from '../rules/board.js';
import { isInternal } from '@hotline/verify';
import type { DirectoryEntry } from '../directory/directory.js';
import type { Terminal } from '../terminal.js';
import { alertsView, type AlertsView } from './alerts-view.js';
import { cosigners } from './cosigners.js';
import { membersView, type MemberView } from './members-view.js';

export interface LogView {
  readonly origin: string;
  readonly size: number;
  /** Whole (64 hex). */
  readonly root: string;
  /** The witnesses that cosigned the held checkpoint, by name. */
  readonly witnesses: readonly string[];
  /** The newest cosignature's time (ms). */
  readonly cosignedAt: number;
}

export interface ChannelView {
  readonly name: string;
  /** Whole (32 hex). */
  readonly id: string;
  readonly parties: readonly string[];
  /** The verified head: the last seq accepted, and its chain hash (64 hex; empty before the first). */
  readonly head: { readonly seq: number; readonly chain: string };
  readonly epoch: number;
  readonly keyUpdateDue: boolean;
  /** Statements of this channel in the outbox the relay has not receipted. */
  readonly unsent: number;
  /** True for a party's internal channel (drafts and approvals); its board is not a hotline's. */
  readonly internal: boolean;
  readonly members: readonly MemberView[];
  readonly board: ChannelBoard;
}

export interface BoardView {
  /** The terminal clock when the view was made (ms): what liveness and deadlines were judged at. */
  readonly now: number;
  readonly device: { readonly party: string; readonly member: string; readonly roles: readonly string[]; readonly key: string };
  /** `reachable` is false when this run could not reach the relay: the board is the archive's. */
  readonly relay: { readonly url: string; readonly reachable: boolean };
  readonly log: LogView | null;
  readonly bounds: Bounds;
  readonly directory: { readonly devices: number };
  readonly channels: readonly ChannelView[];
  readonly alerts: AlertsView;
}

/** The board now; `alerts` evidence alerts and resolved conditions at most are listed. */
export function boardView(t: Terminal, options: { alerts: number; reachable: boolean }): BoardView {
  const now = t.now();
  const held = t.newestHeldCheckpoint();
  const entries = t.directory.all();
  const devices = new Map(entries.map((e) => [toHex(e.deviceKey), e]));
  const cutOff = t.cutOff();
  return {
    now,
    device: { party: t.certificate.party, member: t.certificate.member, roles: [...t.certificate.roles], key: toHex(t.deviceKey) },
    relay: { url: t.relayUrl, reachable: options.reachable },
    log: held === undefined ? null : { origin: held.origin, size: held.size, root: toHex(held.rootHash), witnesses: cosigners(held.note), cosignedAt: held.cosignedAt * 1000 },
    bounds: t.bounds,
    directory: { devices: entries.length },
    channels: t.charters.all().map((c) => channelView(t, c, devices, now, cutOff)),
    alerts: alertsView(t, options.alerts),
  };
}

/** One channel's part of the board. */
export function channelView(t: Terminal, charter: Charter, devices: ReadonlyMap<string, DirectoryEntry>, now: number, cutOff: CutOff | undefined): ChannelView {
  const position = t.archive.position(charter.channelId);
  const state = t.groups.load(charter.channelId);
  const id = toHex(charter.channelId);
  return {
    name: charter.name,
    id,
    parties: charter.parties.map((p) => p.name),
    head: { seq: (position?.nextSeq ?? 1) - 1, chain: position === undefined ? '' : toHex(position.chain) },
    epoch: state === undefined ? 0 : Number(state.groupContext.epoch),
    keyUpdateDue: now - t.groups.keysUpdatedAt(charter.channelId) >= charter.keyUpdateSeconds * 1000,
    unsent: t.outbox.unsent().filter((u) => toHex(u.channelId) === id).length,
    internal: isInternal(charter),
    members: membersView(t, charter),
    board: channelBoard(charter, t.archive, devices, now, cutOff),
  };
}
