/**
 * verifyRecordBundle (record.md "Order of checks"): format → trust basis → checkpoints → proofs
 * → directory → records by index → statements by seq → rules. Each step runs only on what the
 * steps before it established, and the verdict names the first failing item in that order.
 */
import { decodeUnverifiedCharter } from '@hotline/protocol';
import { checkCanonical, parseJsonSubset } from '../json/canonical-json.js';
import { decodeBundleJson } from './bundle-json.js';
import { checkCheckpoints } from './checkpoints.js';
import { checkDirectory, directoryDevice } from './directory.js';
import { hotlineRecordRules } from './record-rules.js';
import { RecordStop, stop } from './failure.js';
import { checkInclusion } from './proofs.js';
import { rebuildChannelRecords } from './rebuild.js';
import { checkChannelRecords } from './records.js';
import { verifySequentially } from './signatures.js';
import { checkStatements, startSignatureBatch } from './statements.js';
import { summarise, transcriptItems, transcriptOf } from './transcript.js';
import { checkTrust } from './trust.js';
import type { RecordTrust, RecordVerdict, RecordVerifyOptions } from './types.js';
import type { ForwardOutcome } from '../forward/verify-forward.js';

export async function verifyRecordBundle(bytes: Uint8Array, trust: RecordTrust, options: RecordVerifyOptions = {}): Promise<RecordVerdict> {
  try {
    return await runChecks(bytes, trust, options);
  } catch (error) {
    if (error instanceof RecordStop) return { ok: false, failure: error.failure };
    throw error;
  }
}

async function runChecks(bytes: Uint8Array, trust: RecordTrust, options: RecordVerifyOptions): Promise<RecordVerdict> {
  // 1. format. The signature batch starts as soon as the statements are decoded — before the
  // canonical comparison, so other threads work while this one compares — and its answers are
  // read only in step 7; a failure of the comparison is still the one named first.
  const json = parseJsonSubset(bytes);
  if (!json.ok) stop('format', 'bundle', json.error.code, json.error.message);
  const decoded = attempt(() => {
    const bundle = decodeBundleJson(json.value.value);
    const charter = decodeUnverifiedCharter(bundle.charter);
    if (!charter.ok) return stop('format', 'channel.charter', 'malformed_charter', charter.error.message);
    const signatures = startSignatureBatch(bundle.entries, options.verifySignatures ?? verifySequentially, options.verifySignatures !== undefined && options.verifySignatures !== verifySequentially);
    return { bundle, charter, signatures };
  });
  const canonical = checkCanonical(json.value);
  if (!canonical.ok) stop('format', 'bundle', canonical.error.code, canonical.error.message);
  if (decoded instanceof RecordStop) throw decoded;
  const { bundle, charter, signatures } = decoded;
  // 2. trust basis
  const basis = checkTrust(charter.value, trust);
  // 3. checkpoints
  const checkpoints = checkCheckpoints(bundle, basis.policy);
  const final = checkpoints[0]!;
  // 4. proofs
  const records = rebuildChannelRecords(bundle, charter.value);
  checkInclusion(bundle, records, final.checkpoint);
  // 5. directory
  const devices = checkDirectory(bundle, charter.value, basis);
  // 6. records by index
  checkChannelRecords(bundle, charter.value, records);
  // 7. statements by seq
  const statements = await checkStatements(records, charter.value, devices, signatures);
  // 8. rules (the terminals' own unless the caller passes another check, or null for none)
  const checkRules = options.checkRules === undefined ? hotlineRecordRules : options.checkRules;
  let breaches: ReadonlyMap<number, readonly string[]> = new Map();
  let forwards: ReadonlyMap<number, ForwardOutcome> = new Map();
  if (checkRules !== null) {
    const outcome = await checkRules({
      charter: charter.value,
      startChain: bundle.startChain,
      device: (key) => directoryDevice(devices, key),
      pinned: new Map(basis.roots.map((r) => [r.party, r.key])),
      items: records.map((r, i) => {
        const s = statements[i];
        const kind = 'statement' in r.entry ? 'statement' : 'withheld' in r.entry ? 'withheld' : 'handshake';
        return { seq: r.seq, logIndex: r.logIndex, receivedAt: r.receivedAt, chainHash: r.chainHash, kind, ...(s === undefined ? {} : { statement: s.statement, statementIdHex: s.idHex, certificate: s.certificate }) };
      }),
    });
    if (outcome.failure !== undefined) throw new RecordStop({ step: 'rules', ...outcome.failure });
    breaches = outcome.breaches ?? breaches;
    forwards = outcome.forwards ?? forwards;
  }
  const items = transcriptItems(records, statements, breaches, forwards);
  return { ok: true, summary: summarise(basis, final, items, checkRules !== null), transcript: transcriptOf(charter.value, final, basis, items) };
}

/** Runs `work`; a format failure it stops with is returned, to be thrown once the canonical check passed. */
function attempt<T>(work: () => T): T | RecordStop {
  try {
    return work();
  } catch (error) {
    if (error instanceof RecordStop) return error;
    throw error;
  }
}
