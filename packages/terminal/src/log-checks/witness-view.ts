/**
 * Each terminal asks the witnesses named in its policy directly for the newest checkpoint they
 * cosigned (c2sp.org/tlog-witness's monitoring endpoint, `GET <url>/<hex SHA-256 of origin>/checkpoint`)
 * and proves it consistent with the checkpoint the relay showed it. A relay that shows one
 * party one history and the other party another (a fork, issue 10 item 3) can keep each side's
 * view internally consistent, but a witness cosigns one history only: whichever side's view it
 * did not cosign is then proven inconsistent here at once — `fork`, with both notes kept as
 * evidence — instead of after the freshness bound.
 *
 * Only a *proven* inconsistency is an alert. A witness that cannot be reached, a note that is
 * not cosigned by that witness, or tiles the relay cannot serve prove nothing either way and are
 * left to the coverage bound.
 */
import { bytesEqual, consistencyProof, TileHashReader, verifyCheckpoint, verifyConsistency, type HeldCheckpoint, type Policy, type PolicyWitness, type TileFetcher } from '@hotline/log';

export interface WitnessViewDeps {
  readonly policy: Policy;
  readonly held: HeldCheckpoint;
  /** The witness's newest cosigned checkpoint for `origin` as note text; undefined if it has none or cannot be reached. */
  readonly fetchWitnessCheckpoint: (witnessUrl: string, origin: string) => Promise<string | undefined>;
  /** The relay's tiles, which must prove the two views consistent. */
  readonly fetchTile: TileFetcher;
}

export interface ForkEvidence {
  readonly code: 'fork';
  readonly message: string;
  readonly witness: string;
  /** The relay's checkpoint this terminal holds, and the witness's, verbatim. */
  readonly relayNote: string;
  readonly witnessNote: string;
}

async function consistent(smaller: { size: number; root: Uint8Array }, larger: { size: number; root: Uint8Array }, fetchTile: TileFetcher): Promise<boolean | 'unknown'> {
  if (smaller.size === 0) return true;
  const proof = await consistencyProof(smaller.size, larger.size, new TileHashReader(larger.size, fetchTile));
  if (!proof.ok) return 'unknown';
  return verifyConsistency(smaller.size, larger.size, proof.value, smaller.root, larger.root).ok;
}

async function compareOne(deps: WitnessViewDeps, witness: PolicyWitness & { url: string }): Promise<ForkEvidence | undefined> {
  const { held } = deps;
  const text = await deps.fetchWitnessCheckpoint(witness.url, held.origin);
  if (text === undefined) return undefined;
  const verified = verifyCheckpoint(text, { logs: deps.policy.logs.map((l) => l.verifier), witnesses: [witness.verifier] });
  if (!verified.ok || verified.value.cosignatures.length === 0 || verified.value.checkpoint.origin !== held.origin) return undefined;
  const seen = { size: verified.value.checkpoint.size, root: verified.value.checkpoint.rootHash };
  const ours = { size: held.size, root: held.rootHash };
  const fork = (why: string): ForkEvidence => ({ code: 'fork', witness: witness.name, relayNote: held.note, witnessNote: text, message: `witness ${witness.name} cosigned size ${seen.size}, but ${why}: the relay shows this terminal a different history than the witness saw` });
  if (seen.size === ours.size) return bytesEqual(seen.root, ours.root) ? undefined : fork(`the relay's checkpoint of the same size has another root`);
  const result = seen.size < ours.size ? await consistent(seen, ours, deps.fetchTile) : await consistent(ours, seen, deps.fetchTile);
  if (result === false) return fork(seen.size < ours.size ? `the relay's checkpoint of size ${ours.size} does not extend it` : `it does not extend the relay's checkpoint of size ${ours.size}`);
  return undefined;
}

/** Forks proven against the witnesses in the policy that have a URL; empty if none is proven. */
export async function compareWitnessViews(deps: WitnessViewDeps): Promise<ForkEvidence[]> {
  const witnesses = deps.policy.witnesses.filter((w): w is PolicyWitness & { url: string } => w.url !== undefined);
  const found = await Promise.all(witnesses.map((w) => compareOne(deps, w).catch(() => undefined)));
  return found.filter((f): f is ForkEvidence => f !== undefined);
}
