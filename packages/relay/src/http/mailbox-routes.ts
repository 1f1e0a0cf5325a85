/**
 * Device mailboxes: MLS welcomes and other direct deliveries, and single-use key packages a
 * device publishes for others to claim when adding it to a group. Not logged: their contents
 * are MLS objects that authenticate themselves, and they are consumed once.
 */
import { toHex } from '@hotline/log';
import type { RelayContext } from '../context.js';
import { deviceIsActive } from '../directory.js';
import { badRequest, notFound, RelayError } from '../errors.js';
import { HEX32, hexParam } from './hex.js';
import type { Reply, Request, Route } from './router.js';

export const MailKind = { welcome: 1, keypackage: 2, message: 3 } as const;

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

function store(ctx: RelayContext, recipient: Uint8Array, kind: number, sender: Uint8Array, body: Uint8Array): number {
  if (body.length === 0) throw badRequest('empty_body', 'mail body is empty');
  const id = ctx.store.putMail(recipient, kind, sender, body, ctx.now(), ctx.limits.maxMailPerDevice);
  if (id === undefined) throw new RelayError(507, 'mailbox_full', `the recipient's mailbox holds ${ctx.limits.maxMailPerDevice} items; it must collect them first`, 60);
  return id;
}

async function post(request: Request, ctx: RelayContext): Promise<Reply> {
  const session = request.session();
  const recipient = hexParam(request.params[0], 32, 'device key');
  const kind = kindParam(request, true)!;
  if (kind === MailKind.keypackage) throw badRequest('malformed_query', 'key packages are published with POST /v1/keypackages');
  if (!deviceIsActive(ctx, recipient)) throw notFound('unknown_device', 'recipient is not an active registered device');
  return { status: 201, json: { id: store(ctx, recipient, kind, session.deviceKey, await request.body()) } };
}

function list(request: Request, ctx: RelayContext): Reply {
  const session = request.session();
  const items = ctx.store.listMail(session.deviceKey, kindParam(request, false), 100);
  return {
    json: items.map((m) => ({ id: m.id, kind: m.kind, sender: toHex(m.sender), body: Buffer.from(m.body).toString('base64'), createdAt: m.createdAt })),
  };
}

function remove(request: Request, ctx: RelayContext): Reply {
  const session = request.session();
  const id = request.params[0]!;
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw badRequest('malformed_path', 'mail id must be a positive integer');
  if (!ctx.store.deleteMail(session.deviceKey, Number(id))) throw notFound('unknown_mail', 'no such mail in this device\'s mailbox');
  return { status: 204 };
}

async function publishKeyPackage(request: Request, ctx: RelayContext): Promise<Reply> {
  const session = request.session();
  return { status: 201, json: { id: store(ctx, session.deviceKey, MailKind.keypackage, session.deviceKey, await request.body()) } };
}

function claimKeyPackage(request: Request, ctx: RelayContext): Reply {
  request.session();
  const device = hexParam(request.params[0], 32, 'device key');
  const taken = ctx.store.takeMail(device, MailKind.keypackage);
  if (taken === undefined) throw notFound('no_key_package', 'this device has no unclaimed key package');
  return { headers: { 'content-type': 'application/octet-stream' }, body: taken.body };
}

export const mailboxRoutes: Route[] = [
  { method: 'POST', pattern: new RegExp(`^/v1/mailbox/${HEX32}$`), name: 'mail-post', handler: post },
  { method: 'GET', pattern: /^\/v1\/mailbox$/, name: 'mail-list', handler: list },
  { method: 'DELETE', pattern: /^\/v1\/mailbox\/([^/]+)$/, name: 'mail-delete', handler: remove },
  { method: 'POST', pattern: /^\/v1\/keypackages$/, name: 'keypackage-publish', handler: publishKeyPackage },
  { method: 'POST', pattern: new RegExp(`^/v1/keypackages/${HEX32}/claim$`), name: 'keypackage-claim', handler: claimKeyPackage },
];
