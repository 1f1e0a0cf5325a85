/**
 * A child process for the durability test: opens storage at argv[2] and appends batches to one
 * stream until it is killed, printing after each batch resolves one JSON line of what that
 * batch was promised ({ logIndex, seq, itemHash, record } per item). The parent SIGKILLs it
 * mid-stream and then checks that every promised item is there, byte for byte.
 */
import { openStorage } from '../../src/storage/open.js';
import { isRefusal } from '../../src/storage/records.js';
import { hex, item } from './items.js';

const [url, tagHex] = process.argv.slice(2);
if (url === undefined || tagHex === undefined) throw new Error('usage: append-child URL STREAM_TAG_HEX');
const storage = await openStorage(url);
const tag = new Uint8Array(Buffer.from(tagHex, 'hex'));
for (let batch = 0; ; batch++) {
  const items = Array.from({ length: 1 + (batch % 7) }, () => item(tag));
  const placed = await storage.sequencing.appendBatch(items, Date.now());
  const acked = placed.map((p, i) => {
    if (isRefusal(p)) throw new Error('a plain envelope was refused');
    return { logIndex: p.logIndex, seq: p.seq, itemHash: hex(items[i]!.itemHash), record: hex(p.record) };
  });
  process.stdout.write(`${JSON.stringify(acked)}\n`);
}
