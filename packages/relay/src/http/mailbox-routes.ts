/**
 * Device mailboxes: MLS welcomes and other direct deliveries, and single-use key packages a
 * device publishes for others to claim when adding it to a group. Not logged: their contents
 * are MLS objects that authenticate themselves, and they are consumed once.
 */
import { toHex } from '@hotline/log';
import { badRequest, notFound, RelayError } from '../errors.js';
import type { AccessSnapshot } from '../storage/access.js';
import type { MailboxStore } from '../storage/interfaces.js';
import { HEX32, hexParam } from './hex.js';
import type { Reply, Request, Route } from './router.js';

export const MailKind = { welcome: 1, keypackage: 2, message: 3 } as const;

/** What mailboxes need: their store, the snapshot (recipients must be active), the bound. */
export interface MailboxRouteDeps {
  readonly mailboxes: MailboxStore;
  readonly access: Pick<AccessSnapshot, 'isActive'>;
  readonly maxMailPerDevice: number;
  readonly now: () => number;
}

function kindParam(request: Request, required: boolean): number | undefined {
  const name = request.url.searchParams.get('kind');
  if (name === null) {
    if (required) throw badRequest('malformed_query', 'kind must be one of welcome, message');
    return undefined;
  }
  const kind = (MailKind as Record<string, number>)[name];
  if (kind === undefined) throw badRequest('malformed_query', `unknown mail kind ${JSON.stringify(name)}`);
  return kind;
}

async function store(ctx: MailboxRouteDeps, recipient: Uint8Array, kind: number, sender: Uint8Array, body: Uint8Array): Promise<number> {
  if (body.length === 0) throw badRequest('empty_body', 'mail body is empty');
  const id = await ctx.mailboxes.putMail(recipient, kind, sender, body, ctx.now(), ctx.maxMailPerDevice);
  if (id === undefined) throw new RelayError(507, 'mailbox_full', `the recipient's mailbox holds ${ctx.maxMailPerDevice} items; it must collect them first`, 60);
  return id;
}

async function post(request: Request, ctx: MailboxRouteDeps): Promise<Reply> {
  const session = request.session();
  const recipient = hexParam(request.params[0], 32, 'device key');
  const kind = kindParam(request, true)!;
  if (kind === MailKind.keypackage) throw badRequest('malformed_query', 'key packages are published with POST /v1/keypackages');
  if (!ctx.access.isActive(recipient)) throw notFound('unknown_device', 'recipient is not an active registered device');
  return { status: 201, json: { id: await store(ctx, recipient, kind, session.deviceKey, await request.body()) } };
}

async function list(request: Request, ctx: MailboxRouteDeps): Promise<Reply> {
  const session = request.session();
  const items = await ctx.mailboxes.listMail(session.deviceKey, kindParam(request, false), 100);
  return {
    json: items.map((m) => ({ id: m.id, kind: m.kind, sender: toHex(m.sender), body: Buffer.from(m.body).toString('base64'), createdAt: m.createdAt })),
  };
}

async function remove(request: Request, ctx: MailboxRouteDeps): Promise<Reply> {
  const session = request.session();
  const id = request.params[0]!;
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw badRequest('malformed_path', 'mail id must be a positive integer');
  if (!(await ctx.mailboxes.deleteMail(session.deviceKey, Number(id)))) throw notFound('unknown_mail', 'no such mail in this device\'s mailbox');
  return { status: 204 };
}

async function publishKeyPackage(request: Request, ctx: MailboxRouteDeps): Promise<Reply> {
  const session = request.session();
  return { status: 201, json: { id: await store(ctx, session.deviceKey, MailKind.keypackage, session.deviceKey, await request.body()) } };
}

async function claimKeyPackage(request: Request, ctx: MailboxRouteDeps): Promise<Reply> {
  request.session();
  const device = hexParam(request.params[0], 32, 'device key');
  const taken = await ctx.mailboxes.takeMail(device, MailKind.keypackage);
  if (taken === undefined) throw notFound('no_key_package', 'this device has no unclaimed key package');
  return { headers: { 'content-type': 'application/octet-stream' }, body: taken.body };
}

export function mailboxRoutes(deps: MailboxRouteDeps): Route[] {
  return [
    { method: 'POST', pattern: new RegExp(`^/v1/mailbox/${HEX32}$`), name: 'mail-post', handler: (r) => post(r, deps) },
    { method: 'GET', pattern: /^\/v1\/mailbox$/, name: 'mail-list', handler: (r) => list(r, deps) },
    { method: 'DELETE', pattern: /^\/v1\/mailbox\/([^/]+)$/, name: 'mail-delete', handler: (r) => remove(r, deps) },
    { method: 'POST', pattern: /^\/v1\/keypackages$/, name: 'keypackage-publish', handler: (r) => publishKeyPackage(r, deps) },
    { method: 'POST', pattern: new RegExp(`^/v1/keypackages/${HEX32}/claim$`), name: 'keypackage-claim', handler: (r) => claimKeyPackage(r, deps) },
  ];
}
