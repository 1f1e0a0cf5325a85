/** Verifying a signed checkpoint against a tlog-policy: one accepted log, and the quorum. */
import { verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint-verify.js';
import { quorumSatisfied, type Policy } from './policy.js';
import { fail, ok, type Result } from './result.js';

export interface PolicyCheckpoint extends VerifiedCheckpoint {
  /** Policy names of the witnesses whose cosignatures verified. */
  readonly witnessed: ReadonlySet<string>;
}

export function verifyCheckpointWithPolicy(signedNote: string | Uint8Array, policy: Policy): Result<PolicyCheckpoint> {
  const verified = verifyCheckpoint(signedNote, {
    logs: policy.logs.map((l) => l.verifier),
    witnesses: policy.witnesses.map((w) => w.verifier),
  });
  if (!verified.ok) return verified;
  const witnessed = new Set(
    verified.value.cosignatures.map((c) => policy.witnesses.find((w) => w.verifier === c.verifier)!.name),
  );
  if (!quorumSatisfied(policy, witnessed)) {
    return fail('quorum_not_met', `checkpoint cosigned by ${witnessed.size} known witness(es), which does not meet the policy quorum "${policy.quorum}"`);
  }
  return ok({ ...verified.value, witnessed });
}
