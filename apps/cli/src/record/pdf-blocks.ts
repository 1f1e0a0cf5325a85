/**
 * The rendering view as styled paragraphs for the PDF layout: sizes, colours and indents in one
 * place, so render-pdf.ts only draws.
 */
import type { EntryView } from './entry-view.js';
import type { Block, BlockStyle, Rgb } from './pdf-layout.js';
import type { RenderingView } from './rendering-view.js';

const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [0.35, 0.35, 0.35];
const RED: Rgb = [0.65, 0, 0];
const WHITE: Rgb = [1, 1, 1];

const TITLE: BlockStyle = { size: 15, color: BLACK, indent: 0, gapBefore: 0, keepWithNext: true };
const NOTICE: BlockStyle = { size: 9.5, color: RED, indent: 0, gapBefore: 6 };
const BODY: BlockStyle = { size: 9, color: BLACK, indent: 0, gapBefore: 6 };
const COMMAND: BlockStyle = { size: 8, color: BLACK, indent: 12, gapBefore: 3 };
const SMALL: BlockStyle = { size: 7.5, color: GREY, indent: 0, gapBefore: 2 };
const FACT: BlockStyle = { size: 8.5, color: BLACK, indent: 0, gapBefore: 2 };
const HEADING: BlockStyle = { size: 10.5, color: BLACK, indent: 0, gapBefore: 11, keepWithNext: true, ruleAbove: true };
const META: BlockStyle = { size: 7, color: GREY, indent: 0, gapBefore: 1 };
const TEXT: BlockStyle = { size: 10, color: BLACK, indent: 10, gapBefore: 4 };
const NOTE: BlockStyle = { size: 8.5, color: BLACK, indent: 10, gapBefore: 3 };
const BREACH: BlockStyle = { ...NOTE, color: RED };

/** Precedence tags as on the terminal's board: FLASH red, IMMEDIATE orange, PRIORITY yellow, ROUTINE grey. */
const TAGS: Readonly<Record<string, { fill: Rgb; color: Rgb }>> = {
  FLASH: { fill: [0.7, 0, 0], color: WHITE },
  IMMEDIATE: { fill: [0.85, 0.4, 0], color: WHITE },
  PRIORITY: { fill: [1, 0.85, 0.25], color: BLACK },
  ROUTINE: { fill: [0.85, 0.85, 0.85], color: BLACK },
};

/** `drawable` turns text into what the embedded font can draw (render-pdf.ts). */
export function pdfBlocks(view: RenderingView, drawable: (text: string) => string): Block[] {
  const block = (text: string, style: BlockStyle): Block => ({ text: drawable(text), style });
  return [
    block(view.title, TITLE),
    ...view.notice.map((p) => block(p, NOTICE)),
    block('Verify the bundle with:', BODY),
    block(view.verifyCommand, COMMAND),
    ...view.verifyNotes.map((n) => block(n, SMALL)),
    ...view.facts.map((f, i) => block(`${f.label}: ${f.value}`, i === 0 ? { ...FACT, gapBefore: 8 } : FACT)),
    ...view.entries.flatMap((e) => entryBlocks(e, block)),
    block(`End of the rendering of bundle SHA-256 ${view.digest}.`, { ...SMALL, gapBefore: 12 }),
  ];
}

function entryBlocks(entry: EntryView, block: (text: string, style: BlockStyle) => Block): Block[] {
  const tag = entry.precedence === undefined ? undefined : TAGS[entry.precedence];
  const heading: BlockStyle = tag === undefined ? HEADING : { ...HEADING, tag: { text: entry.precedence!, ...tag } };
  return [
    block(entry.heading, entry.tone === 'withheld' || entry.tone === 'handshake' ? { ...heading, color: GREY } : heading),
    ...entry.meta.map((m) => block(m, META)),
    ...(entry.text === undefined ? [] : [block(entry.text.text, TEXT)]),
    ...entry.notes.map((n) => block(n, NOTE)),
    ...entry.breaches.map((b) => block(`INVALID: breaks the rule ${b}; it is in the log but counts for nothing.`, BREACH)),
  ];
}
