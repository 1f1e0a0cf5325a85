/**
 * The in-memory access snapshot: who may act (active devices) and where (channel members),
 * checked on every request and every envelope without touching storage. Loaded whole at start
 * and kept current by events, never by expiry: each certificate or revocation the sequencer
 * commits and each membership a channel store accepts is applied here before its submitter
 * hears back. A node sharing its database with others learns of their commits from the
 * database itself (cluster/follower.ts: on an announcement, and on a poll), with the same
 * rules: until it has, it judges by what it has seen — a device registered elsewhere is
 * refused a little longer, a device revoked or removed elsewhere is served a little longer
 * (bounded by the poll interval; docs/design/relay-postgres.md).
 *
 * Small per entry on purpose — a device's validity window and roles, not its certificate — so
 * a whole directory fits: 100,000 devices cost tens of megabytes, not a cache policy.
 */
import { toHex } from '@hotline/log';
import type { ChannelStore, DirectoryStore } from './interfaces.js';
import { isRevocation, type DeviceRow, type DirectoryEffect } from './records.js';

export interface DeviceAccess {
  readonly party: string;
  readonly roles: number;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly revokedAt?: number;
}

function accessOf(row: DeviceRow): DeviceAccess {
  return { party: row.party, roles: row.roles, notBefore: row.notBefore, notAfter: row.notAfter, ...(row.revokedAt === undefined ? {} : { revokedAt: row.revokedAt }) };
}

export class AccessSnapshot {
  private readonly devices = new Map<string, DeviceAccess>();
  private readonly members = new Map<string, { readonly version: number; readonly devices: Set<string> }>();

  /** `now` is the wall clock in ms; certificate windows and revocations are in seconds. */
  constructor(private readonly now: () => number) {}

  static async load(directory: DirectoryStore, channels: ChannelStore, now: () => number): Promise<AccessSnapshot> {
    const snapshot = new AccessSnapshot(now);
    for await (const device of directory.devices()) snapshot.devices.set(toHex(device.key), accessOf(device));
    for await (const channel of channels.memberships()) snapshot.setMembers(channel.id, channel.version, channel.members);
    return snapshot;
  }

  device(key: Uint8Array): DeviceAccess | undefined {
    return this.devices.get(toHex(key));
  }

  /** A device may act only while registered, unrevoked and within its certificate's window. */
  isActive(key: Uint8Array): boolean {
    const device = this.devices.get(toHex(key));
    if (device === undefined) return false;
    const now = Math.floor(this.now() / 1000);
    if (device.revokedAt !== undefined && device.revokedAt <= now) return false;
    return now >= device.notBefore && now < device.notAfter;
  }

  isMember(channelId: Uint8Array, device: Uint8Array): boolean {
    return this.members.get(toHex(channelId))?.devices.has(toHex(device)) ?? false;
  }

  /** A committed certificate or revocation: the same rules as the directory's own table. */
  applyDirectory(effect: DirectoryEffect): void {
    if (isRevocation(effect)) {
      const id = toHex(effect.revokeKey);
      const device = this.devices.get(id);
      // The earliest revocation time wins: a later "revoke now" overrides an earlier future date.
      if (device !== undefined && (device.revokedAt === undefined || device.revokedAt > effect.revokedAt)) this.devices.set(id, { ...device, revokedAt: effect.revokedAt });
      return;
    }
    const id = toHex(effect.key);
    if (!this.devices.has(id)) this.devices.set(id, accessOf(effect)); // first registration wins
  }

  /** A device row read back from storage (another node committed it): registration, then revocation. */
  refreshDevice(row: DeviceRow): void {
    this.applyDirectory(row);
    if (row.revokedAt !== undefined) this.applyDirectory({ revokeKey: row.key, revokedAt: row.revokedAt });
  }

  /**
   * A stored membership: its member list replaces the channel's, unless a newer version is
   * already here (two stores answering out of order must not bring back an older list).
   */
  setMembers(channelId: Uint8Array, version: number, members: readonly Uint8Array[]): void {
    const id = toHex(channelId);
    const current = this.members.get(id);
    if (current !== undefined && current.version >= version) return;
    this.members.set(id, { version, devices: new Set(members.map(toHex)) });
  }
}
