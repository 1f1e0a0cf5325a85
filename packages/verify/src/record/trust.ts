/**
 * The trust basis (record.md step 2): the only keys a bundle is judged by are the ones the
 * verifier was handed. Every charter party's root must be one of them, every party must have
 * signed the charter, and the charter's witness policy must be the supplied one.
 */
import { bytesEqual, formatVerifierKey, parsePolicy, type Policy, type VerifierKey } from '@hotline/log';
import { parsePartyRoot, verifyCharterSignatures, type Charter } from '@hotline/protocol';
import { stop } from './failure.js';
import type { RecordTrust } from './types.js';

export interface TrustBasis {
  readonly policy: Policy;
  /** Charter order: each party's name and the supplied vkey its root matched. */
  readonly roots: readonly { readonly party: string; readonly vkey: string; readonly key: VerifierKey }[];
}

/** One line per log, witness, group and the quorum, sorted: two policies with the same meaning agree. */
function policyMeaning(policy: Policy): string {
  return [
    ...policy.logs.map((l) => `log ${formatVerifierKey(l.key)}`),
    ...policy.witnesses.map((w) => `witness ${w.name} ${formatVerifierKey(w.key)}`),
    ...policy.groups.map((g) => `group ${g.name} ${g.threshold} ${g.members.join(' ')}`),
    `quorum ${policy.quorum}`,
  ]
    .sort()
    .join('\n');
}

export function checkTrust(charter: Charter, trust: RecordTrust): TrustBasis {
  const policy = parsePolicy(trust.policy);
  if (!policy.ok) return stop('trust', 'policy', 'malformed_policy', `the supplied witness policy does not parse: ${policy.error.message}`);
  const supplied = trust.roots.map((vkey, i) => {
    const key = parsePartyRoot(vkey);
    if (!key.ok) return stop('trust', `root ${i + 1}`, 'malformed_root', key.error.message);
    return { vkey, key: key.value };
  });
  const roots = charter.parties.map((party) => {
    const named = supplied.filter((s) => s.key.name === party.name);
    if (named.length === 0) return stop('trust', `party ${party.name}`, 'root_not_supplied', `no root was supplied for this party (pass its vkey with --root, or a home that pins it)`);
    const match = named.find((s) => bytesEqual(s.key.publicKey, party.rootKey));
    if (match === undefined) return stop('trust', `party ${party.name}`, 'root_mismatch', 'the charter names another root key than the one supplied');
    return { party: party.name, vkey: match.vkey, key: match.key };
  });
  charter.parties.forEach((party, i) => {
    if (!charter.signatures.some((s) => s.party === i)) stop('trust', `party ${party.name}`, 'unsigned_charter', 'this party has not signed the charter');
  });
  const signed = verifyCharterSignatures(charter);
  if (!signed.ok) return stop('trust', 'charter', 'bad_signature', signed.error.message);
  const own = parsePolicy(charter.witnessPolicy);
  if (!own.ok || policyMeaning(own.value) !== policyMeaning(policy.value)) {
    return stop('trust', 'charter', 'policy_mismatch', 'the charter names another witness policy than the one supplied');
  }
  return { policy: policy.value, roots };
}
