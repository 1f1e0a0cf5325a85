/**
 * Certificate-at-time (DESIGN.md §4): is a device, per its logged certificate and any logged
 * revocation, valid at a point of the log? The terminal's directory, the record-bundle verifier
 * and the console all decide it here, so every one of them judging the same envelope reaches
 * the same answer however much later it looks (a device revoked or expired later does not change
 * what an earlier statement was).
 */
import type { DirectoryEntry, LoggedDevice } from './directory-entry.js';

export type DeviceInvalidity =
  /** The certificate's record is not before this point of the log. */
  | 'not_yet_certified'
  /** A revocation record precedes this point of the log (or, judged now, exists at all). */
  | 'revoked'
  /** The time is before the certificate's notBefore. */
  | 'not_yet_valid'
  /** The time is at or after the certificate's notAfter. */
  | 'expired';

export type DeviceValidity =
  | { readonly ok: true; readonly entry: DirectoryEntry }
  | { readonly ok: false; readonly reason: DeviceInvalidity; readonly message: string };

function withinValidity(device: LoggedDevice, timeMs: number): DeviceValidity | undefined {
  const seconds = Math.floor(timeMs / 1000);
  if (seconds < device.notBefore) return { ok: false, reason: 'not_yet_valid', message: `the certificate of ${device.member} of ${device.party} is not valid before ${device.notBefore} (time ${seconds})` };
  if (seconds >= device.notAfter) return { ok: false, reason: 'expired', message: `the certificate of ${device.member} of ${device.party} expired at ${device.notAfter} (time ${seconds})` };
  return undefined;
}

/**
 * The device as of log index `logIndex` and time `timeMs` (ms; the terminal passes the relay's
 * receive time from the record): its certificate record is at a lower log index, no revocation
 * record is at a lower log index, and notBefore ≤ time < notAfter. The entry returned says
 * `revoked: false`: at that point it was not.
 */
export function deviceValidityAt(device: LoggedDevice, logIndex: number, timeMs: number): DeviceValidity {
  if (device.logIndex >= logIndex) return { ok: false, reason: 'not_yet_certified', message: `the certificate of ${device.member} of ${device.party} is logged at index ${device.logIndex}, not before index ${logIndex}` };
  if (device.revokedIndex !== undefined && device.revokedIndex < logIndex) return { ok: false, reason: 'revoked', message: `${device.member} of ${device.party} was revoked at log index ${device.revokedIndex}, before index ${logIndex}` };
  return withinValidity(device, timeMs) ?? { ok: true, entry: entryOf(device, false) };
}

/** `deviceValidityAt`, as the entry or undefined. */
export function deviceAt(device: LoggedDevice, logIndex: number, timeMs: number): DirectoryEntry | undefined {
  const v = deviceValidityAt(device, logIndex, timeMs);
  return v.ok ? v.entry : undefined;
}

/**
 * The device as the latest known state of the log judges it, at `nowMs`: any revocation at all
 * makes it invalid (for new channels, new sends, the board), else within its validity.
 */
export function deviceNow(device: LoggedDevice, nowMs: number): DirectoryEntry | undefined {
  if (device.revokedIndex !== undefined) return undefined;
  return withinValidity(device, nowMs) === undefined ? entryOf(device, false) : undefined;
}

/** The entry in whatever state it is (revoked = a revocation has been logged). */
export function entryOf(device: LoggedDevice, revoked = device.revokedIndex !== undefined): DirectoryEntry {
  const { revokedIndex: _revokedIndex, ...fields } = device;
  return { ...fields, revoked };
}
