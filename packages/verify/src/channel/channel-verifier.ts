/**
 * Verifies each envelope the relay delivers for one channel, in DESIGN.md §5's order, before
 * anything is shown: the log record matches the envelope; seq is the next one and the chain
 * hash extends the channel's history; the record is included under the quorum checkpoint; MLS
 * decrypts it; the plaintext is a statement signed by a directory-verified member device of
 * this channel; and its commitment is the one the log recorded. Any failure is a named alert.
 *
 * The channel position advances once the structural checks (record, seq, chain, inclusion)
 * pass — a bad statement from a member is an alert about that envelope, not about the stream.
 */
import { channelTag, EnvelopeKind, genesisChain, type Delivery, type Envelope, type Statement } from '@hotline/protocol';
import type { ChannelPosition } from './channel-position.js';
import type { EnvelopeAlert, EnvelopeAlertCode } from './envelope-alerts.js';
import type { InclusionCheck } from './inclusion-check.js';
import { checkNextRecord, checkReceiveTimeBound, checkStatement, matchRecordToEnvelope, positionAfter, type EnvelopeFault } from './structural-checks.js';

export interface ChannelVerifierDeps {
  /**
   * MLS processing: an application message's plaintext, `handshake` once a commit has been
   * applied (or recognised as this device's own), or `{ voidCommit }` for a commit in an epoch
   * that already has one — void for every member, and a relay fault since the relay must
   * refuse it — or `{ unauthorisedChange }` for a commit applied although its sender may not
   * change members. Throws if MLS refuses the message.
   */
  readonly decrypt: (envelope: Envelope, envelopeHash: Uint8Array) => Promise<Uint8Array | 'handshake' | ContentRefusal>;
  /** True if this statement was already accepted in the channel (a replay inside a new MLS message). */
  readonly isDuplicate?: (statement: Statement) => boolean;
  /** True if the device is a directory-verified, unrevoked member of this channel. */
  readonly isMemberDevice: (deviceKey: Uint8Array) => boolean;
  readonly inclusion: InclusionCheck;
  /**
   * The latest receive time a record under the held checkpoint can honestly carry (ms): the
   * witnesses' newest cosignature time plus clock skew. Undefined when no witness cosigns.
   */
  readonly latestReceiveTime?: () => number | undefined;
}

export type Verdict =
  | { readonly kind: 'accepted'; readonly statement: Statement; readonly seq: number; readonly logIndex: number }
  | { readonly kind: 'handshake'; readonly seq: number; readonly logIndex: number }
  | { readonly kind: 'pending'; readonly seq: number; readonly logIndex: number }
  | { readonly kind: 'alert'; readonly alert: EnvelopeAlert };

/** A handshake that is evidence rather than a plain commit (see `decrypt`). */
export type ContentRefusal = { readonly voidCommit: string } | { readonly unauthorisedChange: string };

export class ChannelVerifier {
  private readonly tag: Uint8Array;
  private current: ChannelPosition;

  constructor(
    private readonly channelId: Uint8Array,
    private readonly deps: ChannelVerifierDeps,
    position?: ChannelPosition,
  ) {
    this.tag = channelTag(channelId);
    this.current = position ?? { nextSeq: 1, chain: genesisChain(this.tag) };
  }

  /** Persist this after each verdict; pass it back in after a restart. */
  get position(): ChannelPosition {
    return this.current;
  }

  async accept(delivery: Delivery): Promise<Verdict> {
    const alert = (code: EnvelopeAlertCode, message: string, seq?: number): Verdict => ({
      kind: 'alert',
      alert: { code, message, logIndex: delivery.logIndex, ...(seq === undefined ? {} : { seq }) },
    });
    const raise = (f: EnvelopeFault): Verdict => alert(f.code, f.message, f.seq);
    const matched = matchRecordToEnvelope(delivery.record, delivery.envelope, this.channelId, this.tag);
    if (!matched.ok) return raise(matched.fault);
    const { record: r, envelope } = matched.value;
    const next = checkNextRecord(this.current, r);
    if (next !== undefined) return raise(next);
    const included = await this.deps.inclusion(delivery.logIndex, delivery.record);
    if (included.state === 'pending') return { kind: 'pending', seq: r.seq, logIndex: delivery.logIndex };
    if (included.state === 'not_included') return alert('not_included', included.message, r.seq);
    // Only now is the record under the held checkpoint, so only now does that checkpoint's
    // cosignature time bound it. Checked earlier, a record received during a witness outage
    // (after the held checkpoint was cosigned, before any new one) would be called a lie.
    const late = checkReceiveTimeBound(r, this.deps.latestReceiveTime?.());
    if (late !== undefined) return raise(late);
    this.current = positionAfter(r);
    return this.verifyContent(envelope, r.itemHash, r.seq, delivery.logIndex, alert);
  }

  private async verifyContent(envelope: Envelope, hash: Uint8Array, seq: number, logIndex: number, alert: (code: EnvelopeAlertCode, message: string, seq?: number) => Verdict): Promise<Verdict> {
    let plaintext: Uint8Array | 'handshake' | ContentRefusal;
    try {
      plaintext = await this.deps.decrypt(envelope, hash);
    } catch (error) {
      return alert('decryption_failed', `MLS refused envelope ${seq}: ${error instanceof Error ? error.message : String(error)}`, seq);
    }
    if (typeof plaintext === 'object' && 'voidCommit' in plaintext) return alert('second_commit', `envelope ${seq}: ${plaintext.voidCommit}`, seq);
    if (typeof plaintext === 'object' && 'unauthorisedChange' in plaintext) return alert('unauthorised_member_change', `envelope ${seq}: ${plaintext.unauthorisedChange}; applied, as every member does`, seq);
    if (plaintext === 'handshake') {
      return envelope.kind === EnvelopeKind.handshake ? { kind: 'handshake', seq, logIndex } : alert('bad_statement', `envelope ${seq} is marked as an application message but carries an MLS commit`, seq);
    }
    if (envelope.kind !== EnvelopeKind.application) return alert('bad_statement', `envelope ${seq} is marked as a handshake but carries an application message`, seq);
    const statement = checkStatement(plaintext, seq, this.channelId, envelope.commitment, this.deps.isMemberDevice);
    if (!statement.ok) return alert(statement.fault.code, statement.fault.message, seq);
    if (this.deps.isDuplicate?.(statement.value)) return alert('duplicate', `envelope ${seq} repeats a statement already accepted in this channel`, seq);
    return { kind: 'accepted', statement: statement.value, seq, logIndex };
  }
}
