/**
 * The transparency log over HTTP, exactly per c2sp.org/tlog-tiles: `/checkpoint`,
 * `/tile/<L>/<N>[.p/<W>]`, `/tile/entries/<N>[.p/<W>]`; plus `/v1/proof/<index>`, a
 * c2sp.org/tlog-proof receipt against the newest checkpoint that meets the witness policy.
 */
import { encodeEntryBundle, formatTlogProof, inclusionProof, parseTilePath, TileHashReader, TILE_WIDTH } from '@hotline/log';
import { badRequest, notFound, RelayError } from '../errors.js';
import type { CheckpointStore, LogReader } from '../storage/interfaces.js';
import type { WitnessCollector } from '../witnesses.js';
import type { Reply, Route } from './router.js';

/** What serving the log needs: its tiles and records, and the cosigned checkpoints. */
export interface LogRouteDeps {
  readonly witnesses: Pick<WitnessCollector, 'latest' | 'latestQuorum' | 'quorumCheckpoint'>;
  readonly tree: Pick<CheckpointStore, 'getTile' | 'integratedSize'>;
  readonly log: Pick<LogReader, 'readRecords'>;
}

const IMMUTABLE = { 'cache-control': 'public, max-age=31536000, immutable', 'content-type': 'application/octet-stream' };

/** The newest checkpoint, with whatever witness cosignatures have arrived for it so far. */
function checkpoint(ctx: LogRouteDeps): Reply {
  const latest = ctx.witnesses.latest;
  if (latest === undefined) throw new RelayError(503, 'no_checkpoint', 'the log has not signed a checkpoint yet', 1);
  return { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=1' }, body: latest };
}

/** The newest checkpoint whose cosignatures meet the relay's witness policy. */
function quorumCheckpoint(ctx: LogRouteDeps): Reply {
  const quorum = ctx.witnesses.latestQuorum;
  if (quorum === undefined) throw new RelayError(503, 'no_quorum_checkpoint', 'no checkpoint has been cosigned by the witness quorum yet', 1);
  return { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=1' }, body: quorum };
}

async function tile(path: string, ctx: LogRouteDeps): Promise<Reply> {
  const address = parseTilePath(path);
  if (!address.ok) throw badRequest(address.error.code, address.error.message);
  const { level, index, width = TILE_WIDTH } = address.value;
  if (level === 'entries') {
    const start = index * TILE_WIDTH;
    if (start + width > (await ctx.tree.integratedSize())) throw notFound('no_such_tile', `entries ${start}–${start + width - 1} are not in the log yet`);
    return { headers: IMMUTABLE, body: encodeEntryBundle(await ctx.log.readRecords(start, start + width)) };
  }
  const stored = await ctx.tree.getTile(level, index);
  if (stored === undefined || stored.width < width) throw notFound('no_such_tile', `tile ${path} does not exist (yet)`);
  // A partial tile is a prefix of any wider version of the same tile.
  return { headers: IMMUTABLE, body: stored.hashes.subarray(0, width * 32) };
}

/**
 * log.md §7: a receipt carries the signed, *cosigned* checkpoint, so it verifies offline under
 * the witness policy alone. The proof is therefore built at the size of the newest checkpoint
 * that met the quorum — older than the log's latest while witnesses catch up — from the same
 * tiles (a partial tile at an older size is a prefix of the stored one).
 */
async function proof(indexText: string, ctx: LogRouteDeps): Promise<Reply> {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(indexText)) throw badRequest('malformed_path', 'index must be a decimal number without leading zeros');
  const index = Number(indexText);
  const current = ctx.witnesses.quorumCheckpoint;
  if (current === undefined || index >= current.size) {
    throw new RelayError(404, 'not_yet_checkpointed', `log index ${index} is not covered by a witness-cosigned checkpoint yet; retry shortly`, 1);
  }
  const reader = new TileHashReader(current.size, async (level, i, width) => {
    const stored = await ctx.tree.getTile(level, i);
    if (stored === undefined || stored.width < width) throw new Error(`tile ${level}/${i} missing`);
    return stored.hashes.subarray(0, width * 32);
  });
  const path = await inclusionProof(index, current.size, reader);
  if (!path.ok) throw new RelayError(500, 'internal', `could not build proof: ${path.error.message}`);
  return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: formatTlogProof({ index, inclusionProof: path.value, checkpoint: current.note }) };
}

export function logRoutes(deps: LogRouteDeps): Route[] {
  return [
    { method: 'GET', pattern: /^\/checkpoint$/, name: 'checkpoint', handler: () => checkpoint(deps) },
    { method: 'GET', pattern: /^\/v1\/quorum-checkpoint$/, name: 'quorum-checkpoint', handler: () => quorumCheckpoint(deps) },
    { method: 'GET', pattern: /^\/(tile\/.+)$/, name: 'tile', handler: (r) => tile(r.params[0]!, deps) },
    { method: 'GET', pattern: /^\/v1\/proof\/([^/]+)$/, name: 'proof', handler: (r) => proof(r.params[0]!, deps) },
  ];
}
