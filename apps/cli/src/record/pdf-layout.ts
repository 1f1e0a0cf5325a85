/**
 * Text layout for the PDF rendering: paragraphs wrapped to the page width and flowed across
 * pages. Pure (it measures through the function it is given), so the same blocks always land on
 * the same lines at the same positions.
 */

export type Rgb = readonly [number, number, number];

export interface BlockStyle {
  readonly size: number;
  readonly color: Rgb;
  /** Points from the left margin. */
  readonly indent: number;
  /** Points of space before the block (dropped at the top of a page). */
  readonly gapBefore: number;
  /** A heading: never left alone at the foot of a page. */
  readonly keepWithNext?: boolean;
  /** Draw a thin rule above the block. */
  readonly ruleAbove?: boolean;
  /** Draw a filled box behind the block's first line (precedence tags). */
  readonly tag?: { readonly text: string; readonly fill: Rgb; readonly color: Rgb };
}

export interface Block {
  readonly text: string;
  readonly style: BlockStyle;
}

export interface PlacedLine {
  readonly text: string;
  readonly x: number;
  /** Baseline, from the bottom of the page (PDF coordinates). */
  readonly y: number;
  readonly style: BlockStyle;
  /** The first line of its block (where a tag and a rule go). */
  readonly first: boolean;
}

export interface Geometry {
  readonly width: number;
  readonly height: number;
  readonly margin: number;
  /** Space kept free at the foot of each page for the footer. */
  readonly footer: number;
}

export type Measure = (text: string, size: number) => number;

const LEADING = 1.35;
const MAX_LINE_POINTS = 512;

export function layOut(blocks: readonly Block[], page: Geometry, measure: Measure): PlacedLine[][] {
  const pages: PlacedLine[][] = [[]];
  const top = page.height - page.margin;
  const bottom = page.margin + page.footer;
  let y = top;
  const newPage = (): void => {
    pages.push([]);
    y = top;
  };
  blocks.forEach((block, i) => {
    const { style } = block;
    const tagWidth = style.tag === undefined ? 0 : measure(style.tag.text, style.size) + style.size;
    const lines = wrap(block.text, page.width - 2 * page.margin - style.indent - tagWidth, style.size, measure);
    const step = style.size * LEADING;
    const next = blocks[i + 1];
    // A heading needs room for itself and the first line after it, or it moves to the next page.
    const needed = lines.length === 0 ? step : step * (style.keepWithNext === true && next !== undefined ? 2 : 1);
    const gap = y === top ? 0 : style.gapBefore;
    if (y - gap - needed < bottom) newPage();
    else y -= gap;
    lines.forEach((text, n) => {
      if (y - step < bottom) newPage();
      y -= step;
      pages[pages.length - 1]!.push({ text, x: page.margin + style.indent + (n === 0 ? tagWidth : 0), y, style, first: n === 0 });
    });
  });
  return pages;
}

/**
 * Greedy wrapping at spaces; a word wider than the line (a hash, a long URL, hostile text with
 * no spaces) is broken between code points, never inside a surrogate pair. Newlines are kept.
 */
export function wrap(text: string, width: number, size: number, measure: Measure): string[] {
  return text.split('\n').flatMap((paragraph) => wrapParagraph(paragraph, width, size, measure));
}

function wrapParagraph(paragraph: string, width: number, size: number, measure: Measure): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/(?<= )/)) {
    if (measure(line + word.trimEnd(), size) <= width) {
      line += word;
      continue;
    }
    if (line !== '') lines.push(line.trimEnd());
    line = '';
    let rest = word;
    while (measure(rest.trimEnd(), size) > width) {
      const [head, tail] = splitToFit(rest, width, size, measure);
      lines.push(head);
      rest = tail;
    }
    line = rest;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** The longest prefix of whole code points that fits (at least one, so layout always advances). */
function splitToFit(word: string, width: number, size: number, measure: Measure): [string, string] {
  // No line holds 512 code points at these sizes; looking at 1,024 UTF-16 units (≥ 512 whole
  // code points) keeps a 64 KiB word linear, not quadratic.
  const points = Array.from(word.slice(0, 2 * MAX_LINE_POINTS));
  let low = 1;
  let high = Math.min(points.length, MAX_LINE_POINTS);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(points.slice(0, mid).join(''), size) <= width) low = mid;
    else high = mid - 1;
  }
  const head = points.slice(0, low).join('');
  return [head, word.slice(head.length)];
}
