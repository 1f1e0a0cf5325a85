/**
 * @hotline/log — RFC 6962 Merkle trees and the C2SP transparency-log formats.
 * Runs in Node (node:crypto) and in browsers (@noble); see README.md for the API contract.
 */
export { type LogError, type LogErrorCode, type Result, ok, fail, expectOk } from './result.js';
export { toBase64, fromBase64 } from './base64.js';
export { bytesEqual, toHex, fromHex, utf8, decodeUtf8 } from './bytes.js';
export { HASH_SIZE, leafHash, nodeHash, emptyRoot, treeRoot, foldRight, StackAccumulator } from './hash.js';
export { type NodeId, perfectSubtrees, isPowerOfTwo } from './tree-math.js';
export { rootFromInclusionProof, verifyInclusion, verifyConsistency } from './verify.js';
export { type HashReader, type ProofElement, inclusionPlan, consistencyPlan, inclusionProof, consistencyProof, rootAt } from './prove.js';
export { type IndexedLeaf, multiInclusionPlan, multiInclusionProof, rootFromMultiInclusion, verifyMultiInclusion } from './multi-inclusion.js';
export { MemoryTree } from './memory-tree.js';
export {
  type Note,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type VerifiedNote,
  MAX_NOTE_SIGNATURES,
  MAX_NOTE_BYTES,
  parseNote,
  verifyNote,
  verifyParsedNote,
  signNote,
  addSignatures,
  signatureLine,
  isValidKeyName,
} from './note.js';
export {
  KeyType,
  type VerifierKey,
  type SignerKey,
  computeKeyId,
  parseVerifierKey,
  formatVerifierKey,
  parseSignerKey,
  formatSignerKey,
  generateSignerKey,
  signerKeyFromSeed,
  verifierKeyOf,
} from './keys.js';
export { noteVerifier, noteSigner, parseNoteVerifier } from './signers.js';
export { type CosignatureVerifier, COSIGNATURE_SIZE, cosignedMessage, cosignatureVerifier, cosigner } from './cosignature.js';
export { type Checkpoint, parseCheckpoint, formatCheckpoint } from './checkpoint.js';
export {
  type CheckpointTrust,
  type VerifiedCheckpoint,
  type WitnessCosignature,
  verifyCheckpoint,
  verifyCosignature,
  verifyCosignatures,
} from './checkpoint-verify.js';
export { type Policy, type PolicyLog, type PolicyWitness, type PolicyGroup, QUORUM_NONE, parsePolicy, quorumSatisfied } from './policy.js';
export { type PolicyCheckpoint, verifyCheckpointWithPolicy } from './policy-verify.js';
export { type TlogProof, type VerifiedTlogProof, TLOG_PROOF_HEADER, parseTlogProof, formatTlogProof, verifyTlogProof } from './tlog-proof.js';
export { type TileAddress, TILE_WIDTH, TILE_HEIGHT, tilePath, entriesPath, parseTilePath, tileWidth } from './tile-path.js';
export { MAX_ENTRY_SIZE, encodeEntryBundle, decodeEntryBundle, verifyEntryBundle } from './entry-bundle.js';
export { type Tile, type TileSource, TileBuilder, perfectRoot } from './tile-builder.js';
export { type TileFetcher, TileHashReader } from './tile-reader.js';
export { type CryptoProvider } from './crypto/provider.js';
export { provider as cryptoProvider } from '#crypto';
export { type LogAlertCode, type HeldCheckpoint, type MonitorSources, type MonitorOptions, LogMonitor } from './log-monitor.js';
