/** Channel membership (the access list, signed by its opener, then by admin members) and envelopes over HTTP. */
import { bytesEqual, toHex } from '@hotline/log';
import { channelTag, decodeRoles, encodeDelivery, mayChangeMembers, openMembership, type Membership } from '@hotline/protocol';
import { RelayErrorCode } from '../client/error-codes.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { AccessSnapshot } from '../storage/access.js';
import type { ChannelStore, LogReader } from '../storage/interfaces.js';
import type { Sequenced } from '../storage/records.js';
import { receiptJson } from '../submissions.js';
import { HEX16, hexParam } from './hex.js';
import type { Reply, Request, Route } from './router.js';

const MAX_READ_BYTES = 4 * 1024 * 1024;

/** What channels need: their stored access lists, the snapshot, the log to read, a way to submit. */
export interface ChannelRouteDeps {
  readonly channels: Pick<ChannelStore, 'channel' | 'putChannel'>;
  readonly access: Pick<AccessSnapshot, 'isActive' | 'isMember' | 'device' | 'setMembers'>;
  readonly log: Pick<LogReader, 'readStream'>;
  readonly submit: (deviceKey: Uint8Array, envelope: Uint8Array, channelId: Uint8Array) => Promise<Sequenced>;
  /** After the snapshot took a new member list: subscriptions of removed devices end. */
  readonly membershipChanged: (channelId: Uint8Array) => void;
  readonly maxStreamRead: number;
}

async function putMembership(request: Request, ctx: ChannelRouteDeps): Promise<Reply> {
  const session = request.session();
  const channelId = hexParam(request.params[0], 16, 'channel id');
  const opened = openMembership(await request.body());
  if (!opened.ok) throw badRequest(opened.error.code, opened.error.message);
  const m = opened.value;
  if (!bytesEqual(m.channelId, channelId)) throw badRequest('channel_mismatch', 'membership is for another channel than the URL names');
  if (!bytesEqual(m.signer, session.deviceKey)) throw forbidden('not_signer', 'membership must be signed by the logged-in device');
  const existing = await ctx.channels.channel(channelId);
  if (existing !== undefined) authoriseChange(ctx, m);
  for (const member of m.members) {
    if (!ctx.access.isActive(member)) throw badRequest('unknown_member', `member ${toHex(member).slice(0, 16)}… is not an active registered device`);
  }
  if (!(await ctx.channels.putChannel({ id: channelId, creator: existing?.creator ?? m.signer, version: m.version, membership: m.bytes, members: m.members }))) {
    throw conflict('stale_version', `membership version ${m.version} is not newer than the stored one`);
  }
  ctx.access.setMembers(channelId, m.version, m.members);
  ctx.membershipChanged(channelId);
  return { status: 201, json: { channel: toHex(channelId), version: m.version, members: m.members.length } };
}

/**
 * protocol.md §8: an update is signed by a device on the current list whose certificate in the
 * logged directory holds a member-change role and is neither revoked nor expired — the rule
 * every member applies to the MLS commit, so a revoked device is removed even when the opener
 * is gone for good, and the opener has no standing of its own once the channel is open.
 */
function authoriseChange(ctx: ChannelRouteDeps, m: Membership): void {
  const device = ctx.access.device(m.signer);
  const roles = device === undefined ? undefined : decodeRoles(device.roles);
  const allowed = ctx.access.isMember(m.channelId, m.signer) && ctx.access.isActive(m.signer) && roles !== undefined && mayChangeMembers(roles);
  if (!allowed) throw forbidden(RelayErrorCode.notAuthorised, 'only a member device with the admin role may change the channel\'s members');
}

async function getMembership(request: Request, ctx: ChannelRouteDeps): Promise<Reply> {
  const session = request.session();
  const channelId = hexParam(request.params[0], 16, 'channel id');
  const channel = ctx.access.isMember(channelId, session.deviceKey) ? await ctx.channels.channel(channelId) : undefined;
  if (channel === undefined) throw notFound('unknown_channel', 'no such channel, or not a member');
  return { headers: { 'content-type': 'application/octet-stream' }, body: channel.membership };
}

async function postEnvelope(request: Request, ctx: ChannelRouteDeps): Promise<Reply> {
  const session = request.session();
  const channelId = hexParam(request.params[0], 16, 'channel id');
  const placed = await ctx.submit(session.deviceKey, await request.body(), channelId);
  return { status: placed.duplicate ? 200 : 201, json: receiptJson(placed) };
}

async function readEnvelopes(request: Request, ctx: ChannelRouteDeps): Promise<Reply> {
  const session = request.session();
  const channelId = hexParam(request.params[0], 16, 'channel id');
  if (!ctx.access.isMember(channelId, session.deviceKey)) throw notFound('unknown_channel', 'no such channel, or not a member');
  const from = request.url.searchParams.get('from') ?? '1';
  const limit = request.url.searchParams.get('limit') ?? String(ctx.maxStreamRead);
  if (!/^[1-9][0-9]{0,15}$/.test(from) || !/^[1-9][0-9]{0,6}$/.test(limit)) throw badRequest('malformed_query', 'from and limit must be positive integers');
  const items = await ctx.log.readStream(channelTag(channelId), Number(from), Math.min(Number(limit), ctx.maxStreamRead));
  // Bounded by bytes as well as count: envelopes can be 256 KiB each. Clients page with `from`.
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (const i of items) {
    if (parts.length > 0 && bytes + i.body.length > MAX_READ_BYTES) break;
    parts.push(encodeDelivery({ logIndex: i.logIndex, record: i.record, envelope: i.body }));
    bytes += i.body.length;
  }
  return { headers: { 'content-type': 'application/octet-stream', 'x-hotline-count': String(parts.length) }, body: Buffer.concat(parts) };
}

export function channelRoutes(deps: ChannelRouteDeps): Route[] {
  return [
    { method: 'PUT', pattern: new RegExp(`^/v1/channels/${HEX16}$`), name: 'membership', handler: (r) => putMembership(r, deps) },
    { method: 'GET', pattern: new RegExp(`^/v1/channels/${HEX16}$`), name: 'membership', handler: (r) => getMembership(r, deps) },
    { method: 'POST', pattern: new RegExp(`^/v1/channels/${HEX16}/envelopes$`), name: 'submit', handler: (r) => postEnvelope(r, deps) },
    { method: 'GET', pattern: new RegExp(`^/v1/channels/${HEX16}/envelopes$`), name: 'envelopes', handler: (r) => readEnvelopes(r, deps) },
  ];
}
