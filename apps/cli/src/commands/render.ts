/**
 * `hotline render FILE --html OUT | --pdf OUT (--home DIR | --root VKEY… --policy FILE)` — draws a
 * verified record for people (docs/record.md). A rendering is a pure function of the bundle, so
 * `hotline verify FILE --rendering OUT` can make it again and compare byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand, UsageError, type CommandSpec } from '../args.js';
import type { CommandIo } from '../command-io.js';
import { CliError, EXIT } from '../failures.js';
import { HOME_OPTION } from '../home.js';
import { bundleDigest } from '../record/bundle-digest.js';
import { renderHtml } from '../record/render-html.js';
import { renderPdf } from '../record/render-pdf.js';
import { verifiedRecord } from '../record/verified-record.js';

export const RENDER: CommandSpec = {
  command: 'render',
  operands: 'FILE',
  summary: 'draw a verified record bundle as an HTML page or a PDF (a rendering, not evidence)',
  description: `Verifies the record bundle FILE offline, as hotline verify does, and only then draws it:
the transcript in seq order with precedence, acks, approvals, edits and their history, and each
seq's log index and checkpoint. The page says it is a rendering, not evidence, and prints the
bundle's SHA-256 and the command that verifies it; the PDF embeds its one font and carries the
bundle as an attachment. The same bundle always renders to the same bytes, so
hotline verify FILE --rendering OUT checks a rendering against its bundle.`,
  options: [
    { name: 'html', type: 'string', placeholder: 'OUT', description: 'write the HTML rendering to OUT (a new file)' },
    { name: 'pdf', type: 'string', placeholder: 'OUT', description: 'write the PDF rendering to OUT (a new file)' },
    { name: 'root', type: 'string', placeholder: 'VKEY', multiple: true, description: "a party's root key (name+keyid+base64, as hotline party export prints it); one per charter party" },
    { name: 'policy', type: 'string', placeholder: 'FILE', description: 'the witness policy (c2sp.org/tlog-policy) the checkpoints must meet; with --root' },
    HOME_OPTION,
  ],
  footer: `Exit status: 0 rendered; 1 the bundle does not verify (its first failure is named, nothing is
written); 2 bad usage, a file that cannot be read, or OUT already exists.`,
};

export async function runRender(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseCommand(argv, RENDER);
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('render needs the bundle FILE (hotline export --out FILE)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const html = args.values.get('html');
  const pdf = args.values.get('pdf');
  if ((html === undefined) === (pdf === undefined)) throw new UsageError('render needs one of --html OUT or --pdf OUT');
  const out = resolve(io.cwd, (html ?? pdf)!);
  const record = await verifiedRecord(file, args, io.cwd);
  const bytes = html !== undefined ? new TextEncoder().encode(renderHtml(record.transcript, record.summary, record.bytes)) : await renderPdf(record.transcript, record.summary, record.bytes);
  writeNew(out, bytes);
  io.print(`rendered ${file} (SHA-256 ${bundleDigest(record.bytes)}) to ${out}: a rendering, not evidence; check it with hotline verify ${file} … --rendering ${out}`);
  return EXIT.ok;
}

/** A rendering never replaces a file: OUT may be the very bundle, or an earlier rendering someone relies on. */
function writeNew(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError('file_exists', `${path} exists: render writes a new file, choose another OUT`);
    throw new CliError('unreadable_file', `cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}
