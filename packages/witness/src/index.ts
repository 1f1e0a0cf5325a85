/** @hotline/witness — a C2SP tlog-witness. */
export { startWitness, loadOrCreateWitnessKey, WITNESS_KEY_FILE, type WitnessOptions, type RunningWitness } from './witness.js';
export { addCheckpoint, type WitnessResponse, type WitnessIdentity } from './add-checkpoint.js';
export { parseAddCheckpoint, formatAddCheckpoint, MAX_PROOF_LINES } from './request.js';
export { WitnessStore } from './witness-store.js';
