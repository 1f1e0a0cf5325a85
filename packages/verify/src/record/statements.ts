/**
 * Statements by seq (record.md step 7): each revealed statement decodes, is signed by its author
 * device (signatures checked in one batch, through the injectable verifier), belongs to this
 * channel, and its author holds a certificate that was logged before the statement's record,
 * was not revoked by then, covers the record's receive time, and has a role the charter admits.
 * Its commitment needs no check here: the rebuilt record's aux is that commitment, so a changed
 * statement already failed the proofs.
 */
import { bytesEqual, toHex, utf8 } from '@hotline/log';
import { decodeVerifiedStatement, Label, statementId, type Charter, type DeviceCertificate, type Result, type Statement } from '@hotline/protocol';
import type { ChannelEntry } from './bundle-json.js';
import { statementBody } from './body.js';
import { stop } from './failure.js';
import { directoryDevice, type DeviceDirectory } from './directory.js';
import { deviceValidityAt, type DeviceInvalidity } from '../directory/device-at.js';
import type { RebuiltRecord } from './rebuild.js';
import type { BatchSignatureVerifier, SignatureCheck, TranscriptBody } from './types.js';

const DEVICE_FAILURE: Record<DeviceInvalidity, string> = {
  not_yet_certified: 'unknown_device',
  revoked: 'device_revoked',
  not_yet_valid: 'certificate_not_yet_valid',
  expired: 'certificate_expired',
};

export interface CheckedStatement {
  readonly statement: Statement;
  /** statementId, lower-case hex: computed once, for the rules walk and the transcript. */
  readonly idHex: string;
  readonly certificate: DeviceCertificate;
  readonly body: TranscriptBody;
}

const STATEMENT_LABEL = utf8(`${Label.statement}\n`);

function signedMessage(statement: Statement): Uint8Array {
  const body = statement.bytes.subarray(0, statement.bytes.length - 64);
  const message = new Uint8Array(STATEMENT_LABEL.length + body.length);
  message.set(STATEMENT_LABEL);
  message.set(body, STATEMENT_LABEL.length);
  return message;
}

/** The revealed statements decoded, and their signatures being verified (possibly on other threads). */
export interface SignatureBatch {
  readonly decoded: readonly (Result<Statement> | undefined)[];
  readonly checkOf: readonly number[];
  /** The verifier's answers, one per check (started at once if the batch is eager, else on first call). */
  readonly answers: () => Promise<boolean[]>;
}

/**
 * Prepares the signature batch as soon as the bundle is decoded. An eager batch (a verifier that
 * runs elsewhere, e.g. a worker pool) starts at once, so the pool verifies while this thread
 * checks the trust basis, checkpoints and proofs; the in-thread default waits for step 7, where
 * nothing is gained by starting early and a bundle failing earlier costs no verification. The
 * answers are read only in step 7, so the order of failures is the same either way.
 */
export function startSignatureBatch(entries: readonly ChannelEntry[], verifySignatures: BatchSignatureVerifier, eager: boolean): SignatureBatch {
  const decoded = entries.map((e) => ('statement' in e ? decodeVerifiedStatement(e.statement) : undefined));
  const checks: SignatureCheck[] = [];
  const checkOf: number[] = [];
  decoded.forEach((d, i) => {
    if (d?.ok !== true) return;
    checkOf[i] = checks.length;
    checks.push({ publicKey: d.value.author, message: signedMessage(d.value), signature: d.value.signature });
  });
  let started: Promise<boolean[]> | undefined;
  const answers = () =>
    (started ??= (checks.length === 0 ? Promise.resolve([]) : verifySignatures(checks)).then((valid) => {
      if (valid.length !== checks.length) throw new Error(`signature verifier answered ${valid.length} of ${checks.length} checks`);
      return valid;
    }));
  // Read (and a rejection rethrown) in step 7; never read if an earlier step fails.
  if (eager) answers().catch(() => undefined);
  return { decoded, checkOf, answers };
}

/** Returns, by index into `records`, the checked statement of each revealed entry. */
export async function checkStatements(records: readonly RebuiltRecord[], charter: Charter, devices: DeviceDirectory, batch: SignatureBatch): Promise<(CheckedStatement | undefined)[]> {
  const { decoded, checkOf } = batch;
  const valid = await batch.answers();
  return records.map((r, i) => {
    const d = decoded[i];
    if (d === undefined) return undefined;
    const fail = (code: string, detail: string): never => stop('statements', `seq ${r.seq}`, code, detail);
    if (!d.ok) return fail('malformed_statement', d.error.message);
    const statement = d.value;
    if (valid[checkOf[i]!] !== true) fail('bad_signature', 'the statement is not signed by its author device');
    if (!bytesEqual(statement.channelId, charter.channelId)) fail('wrong_channel', 'the statement is for another channel');
    // Certificate-at-time exactly as every terminal judged it while syncing: certified before
    // this record, not revoked before it, valid at the relay's receive time (bounded by the
    // witnesses' cosignatures), not at the author's own clock.
    const authorHex = toHex(statement.author);
    const logged = directoryDevice(devices, authorHex);
    if (logged === undefined) return fail('unknown_device', `no certificate for the author device ${authorHex.slice(0, 16)}… is in the bundle's directory`);
    const validity = deviceValidityAt(logged, r.logIndex, r.receivedAt);
    if (!validity.ok) fail(DEVICE_FAILURE[validity.reason], validity.message);
    const cert = devices.get(authorHex)!.certificate;
    if (!cert.roles.some((role) => charter.memberRoles.includes(role))) fail('role_not_admitted', `${cert.party}/${cert.member} has roles ${cert.roles.join(', ')}, none admitted by the charter`);
    return { statement, idHex: toHex(statementId(statement)), certificate: cert, body: statementBody(statement, r.seq) };
  });
}
