/**
 * What a rendering of a record shows, as data (docs/record.md): the HTML and the PDF are two
 * drawings of this one view, so they cannot disagree. It is a pure function of the verified
 * transcript, the summary and the bundle's digest — no clock, no locale, no file name — so the
 * same bundle always gives the same bytes and `hotline verify --rendering` can re-render and compare.
 */
import type { RecordSummary, RecordTranscript, TranscriptItem } from '@hotline/verify';
import { entryView, type EntryView } from './entry-view.js';
import { transcriptIndex } from './transcript-index.js';
import { utcTime, visibleText } from './visible-text.js';

/** Names the layout: a rendering made by another version need not match byte for byte. */
export const RENDERING_FORMAT = 'hotline-rendering/1';
export const RENDERING_FONT = 'DejaVu Sans 2.37 (npm dejavu-fonts-ttf 2.37.3)';

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface RenderingView {
  readonly title: string;
  /** Says in words that this is a rendering, not evidence, and what the evidence is. */
  readonly notice: readonly string[];
  /** Hex SHA-256 of the bundle's bytes. */
  readonly digest: string;
  /** The name the PDF attaches the bundle under, and the file the verify command names. */
  readonly bundleName: string;
  readonly verifyCommand: string;
  readonly verifyNotes: readonly string[];
  readonly facts: readonly Fact[];
  readonly entries: readonly EntryView[];
  /** The final checkpoint's newest cosignature time, in ms: the PDF's fixed dates. */
  readonly issuedAt: number;
}

export function renderingView(transcript: RecordTranscript, summary: RecordSummary, digest: string): RenderingView {
  const bundleName = `record-${digest.slice(0, 16)}.json`;
  const channel = visibleText(transcript.channel.name);
  const index = transcriptIndex(transcript.items);
  return {
    title: `Hotline record: channel ${channel}, seq ${summary.from}..${summary.to}`,
    notice: [
      'This is a rendering of a Hotline record bundle, not evidence. It was made from a bundle that verified, but anyone can produce a page that looks like this one.',
      `The evidence is the bundle itself: the file ${bundleName}, SHA-256 ${digest} (attached to the PDF rendering). Verify it yourself, offline, with party roots and a witness policy you obtained independently, then check this rendering against it with --rendering.`,
    ],
    digest,
    bundleName,
    // One option a line, with shell continuations: still the exact command, pasted as it is.
    verifyCommand: [`hotline verify ${bundleName}`, ...summary.roots.map((r) => `  --root ${visibleText(r.vkey)}`), '  --policy POLICY-FILE'].join(' \\\n'),
    verifyNotes: [
      'POLICY-FILE: the witness policy (c2sp.org/tlog-policy) you trust for this log; or replace the --root and --policy options with --home DIR, a terminal home that pinned the parties.',
      'The roots shown here are the ones in the bundle: compare them with roots you pinned yourself. A bundle cannot vouch for its own roots.',
      'Add --rendering FILE to check that FILE is this rendering of the bundle, byte for byte.',
    ],
    facts: facts(transcript, summary, digest),
    entries: transcript.items.map((item: TranscriptItem) => entryView(item, index, transcript.checkpoint)),
    issuedAt: Math.max(0, ...transcript.checkpoint.cosignatures.map((c) => c.time)) * 1000,
  };
}

function facts(transcript: RecordTranscript, summary: RecordSummary, digest: string): Fact[] {
  const { channel, checkpoint } = transcript;
  return [
    { label: 'Channel', value: `${visibleText(channel.name)} (id ${channel.id})` },
    { label: 'Parties', value: channel.parties.map(visibleText).join(', ') },
    { label: 'Range', value: `seq ${summary.from}..${summary.to} complete: ${plural(summary.statements, 'statement')}, ${summary.withheld} withheld, ${plural(summary.handshakes, 'MLS handshake')}` },
    { label: 'Party roots', value: summary.roots.map((r) => `${visibleText(r.party)}: ${visibleText(r.vkey)}`).join('; ') },
    { label: 'Witnesses', value: `${summary.witnesses.map(visibleText).join(', ')}; quorum ${summary.quorum}` },
    { label: 'Checkpoint', value: `${visibleText(checkpoint.origin)}, size ${checkpoint.size}, root ${checkpoint.root}` },
    // A cosignature's time is in seconds (c2sp.org/tlog-cosignature), as the transcript carries it.
    { label: 'Cosigned', value: checkpoint.cosignatures.map((c) => `${visibleText(c.witness)} at ${utcTime(c.time * 1000)}`).join('; ') || 'no cosignatures' },
    { label: 'Hotline rules', value: summary.rulesChecked ? 'checked over the whole range' : 'NOT checked by the verifier that made this rendering (signatures, proofs and certificates were)' },
    { label: 'Bundle SHA-256', value: digest },
    { label: 'Rendering', value: `${RENDERING_FORMAT}; font ${RENDERING_FONT}; times in UTC` },
  ];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
