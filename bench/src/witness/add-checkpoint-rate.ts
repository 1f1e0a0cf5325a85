/**
 * How many add-checkpoint requests one witness process sustains: `logs` independent logs, each
 * a chain of growing checkpoints with consistency proofs (a log's requests are sequential by
 * nature: each must extend the last), all sent concurrently over keep-alive connections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consistencyProof, formatCheckpoint, formatVerifierKey, generateSignerKey, MemoryTree, noteSigner, rootAt, signNote, utf8, verifierKeyOf } from '@hotline/log';
import { spawnHotlineProcess, stopRelayProcess } from '@hotline/relay/child';
import { formatAddCheckpoint } from '@hotline/witness';
import { HOTLINE_BIN } from '../relay/harness.js';

async function chain(steps: number, grow: number, name: string): Promise<{ vkey: string; bodies: string[] }> {
  const key = generateSignerKey(name);
  const tree = new MemoryTree();
  const bodies: string[] = [];
  let previous = 0;
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < grow; i++) tree.appendEntry(utf8(`${name} ${tree.size}`));
    const root = await rootAt(tree.size, tree);
    const proof = await consistencyProof(previous, tree.size, tree);
    if (!root.ok || !proof.ok) throw new Error('bench chain');
    const note = signNote(formatCheckpoint({ origin: key.name, size: tree.size, rootHash: root.value, extensions: [] }), [noteSigner(key)]);
    bodies.push(formatAddCheckpoint(previous, proof.value, note));
    previous = tree.size;
  }
  return { vkey: formatVerifierKey(verifierKeyOf(key)), bodies };
}

export async function addCheckpointRate(logs: number, steps: number): Promise<number> {
  const chains = await Promise.all(Array.from({ length: logs }, (_, i) => chain(steps, 16, `bench.example/log${i}`)));
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-witness-'));
  const witness = await spawnHotlineProcess(HOTLINE_BIN, 'witness', ['--data', dir, '--listen', '127.0.0.1:0', ...chains.flatMap((c) => ['--log', c.vkey])]);
  try {
    const start = performance.now();
    await Promise.all(
      chains.map(async (c) => {
        for (const body of c.bodies) {
          const response = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body });
          if (response.status !== 200) throw new Error(`witness answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
        }
      }),
    );
    return (logs * steps * 1000) / (performance.now() - start);
  } finally {
    await stopRelayProcess(witness);
    rmSync(dir, { recursive: true, force: true });
  }
}
