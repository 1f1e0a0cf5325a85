/**
 * Statements by seq (record.md step 7): each revealed statement decodes, is signed by its author
 * device (signatures checked in one batch, through the injectable verifier), belongs to this
 * channel, and its author holds a certificate that was logged before the statement's record,
 * was not revoked by then, covers the statement's time, and has a role the charter admits.
 * Its commitment needs no check here: the rebuilt record's aux is that commitment, so a changed
 * statement already failed the proofs.
 */
import { bytesEqual, toHex, utf8 } from '@hotline/log';
import { decodeVerifiedStatement, Label, type Charter, type DeviceCertificate, type Statement } from '@hotline/protocol';
import { statementBody } from './body.js';
import { stop } from './failure.js';
import type { DeviceDirectory } from './directory.js';
import type { RebuiltRecord } from './rebuild.js';
import type { BatchSignatureVerifier, SignatureCheck, TranscriptBody } from './types.js';

export interface CheckedStatement {
  readonly statement: Statement;
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

/** Returns, by index into `records`, the checked statement of each revealed entry. */
export async function checkStatements(
  records: readonly RebuiltRecord[],
  charter: Charter,
  devices: DeviceDirectory,
  verifySignatures: BatchSignatureVerifier,
): Promise<(CheckedStatement | undefined)[]> {
  const decoded = records.map((r) => ('statement' in r.entry ? decodeVerifiedStatement(r.entry.statement) : undefined));
  const checks: SignatureCheck[] = [];
  const checkOf: number[] = [];
  decoded.forEach((d, i) => {
    if (d?.ok !== true) return;
    checkOf[i] = checks.length;
    checks.push({ publicKey: d.value.author, message: signedMessage(d.value), signature: d.value.signature });
  });
  const valid = checks.length === 0 ? [] : await verifySignatures(checks);
  if (valid.length !== checks.length) throw new Error(`signature verifier answered ${valid.length} of ${checks.length} checks`);
  return records.map((r, i) => {
    const d = decoded[i];
    if (d === undefined) return undefined;
    const fail = (code: string, detail: string): never => stop('statements', `seq ${r.seq}`, code, detail);
    if (!d.ok) return fail('malformed_statement', d.error.message);
    const statement = d.value;
    if (valid[checkOf[i]!] !== true) fail('bad_signature', 'the statement is not signed by its author device');
    if (!bytesEqual(statement.channelId, charter.channelId)) fail('wrong_channel', 'the statement is for another channel');
    const device = devices.get(toHex(statement.author));
    if (device === undefined || device.logIndex >= r.logIndex) return fail('unknown_device', `no certificate for the author device ${toHex(statement.author).slice(0, 16)}… was logged before this record`);
    const cert = device.certificate;
    if (statement.time < cert.notBefore * 1000) fail('certificate_not_yet_valid', `${cert.party}/${cert.member}'s certificate is valid only from ${cert.notBefore} (s); the statement says ${statement.time} (ms)`);
    if (statement.time >= cert.notAfter * 1000) fail('certificate_expired', `${cert.party}/${cert.member}'s certificate expired at ${cert.notAfter} (s); the statement says ${statement.time} (ms)`);
    // A revocation counts once it was logged before this record and its time had come when the
    // relay received the record (a revocation may be dated ahead, protocol.md §4).
    const revoked = device.revocations.find((v) => v.logIndex < r.logIndex && v.revocation.time * 1000 <= r.receivedAt);
    if (revoked !== undefined) fail('device_revoked', `${cert.party}/${cert.member}'s device was revoked at ${revoked.revocation.time} (s), before this record`);
    if (!cert.roles.some((role) => charter.memberRoles.includes(role))) fail('role_not_admitted', `${cert.party}/${cert.member} has roles ${cert.roles.join(', ')}, none admitted by the charter`);
    return { statement, certificate: cert, body: statementBody(statement, r.seq) };
  });
}
