/**
 * A command's --help, generated from its option table (args.ts): the usage line and the
 * Options section come from the table the parser uses, so they list exactly what is accepted;
 * the description and footer paragraphs are the command's own words.
 */
import { flagName, optionsOf, type CommandSpec, type OptionSpec } from './args.js';

const WIDTH = 96;
/** Flags longer than this put their description on the next line. */
const MAX_FLAG_COLUMN = 26;

/** Words of `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function usageItem(option: OptionSpec): string {
  const flag = flagName(option);
  if (option.multiple === true) return option.required === true ? `${flag} [${flag}]...` : `[${flag}]...`;
  return option.required === true ? flag : `[${flag}]`;
}

/** `usage: hotline CMD OPERANDS` then the required options, and the others while the line fits. */
export function usageLine(spec: CommandSpec): string {
  const options = spec.options;
  let line = `usage: hotline ${spec.command}${spec.operands === undefined ? '' : ` ${spec.operands}`}`;
  let omitted = false;
  for (const option of options) {
    const item = usageItem(option);
    if (option.required === true || (!omitted && line.length + 1 + item.length <= WIDTH - ' [options]'.length)) line += ` ${item}`;
    else omitted = true;
  }
  return omitted ? `${line} [options]` : line;
}

function optionLabel(option: OptionSpec): string {
  return `${option.short === undefined ? '' : `-${option.short}, `}${flagName(option)}`;
}

/** The description with what the table says besides: required, repeatable, the default (in its closing parenthesis, if it has one). */
function optionText(option: OptionSpec): string {
  const notes = [
    ...(option.required === true ? ['required'] : []),
    ...(option.multiple === true ? ['repeatable'] : []),
    ...(option.default === undefined ? [] : [`default ${option.default}`]),
  ];
  if (notes.length === 0) return option.description;
  return option.description.endsWith(')') ? `${option.description.slice(0, -1)}; ${notes.join('; ')})` : `${option.description} (${notes.join('; ')})`;
}

/** Two-column rows: a label, then its text wrapped at a common column. */
function rows(entries: readonly (readonly [string, string])[]): string[] {
  const column = 2 + Math.min(MAX_FLAG_COLUMN, Math.max(...entries.map(([label]) => label.length))) + 3;
  return entries.flatMap(([label, text]) => {
    const lines = wrap(text, column, WIDTH);
    const first = `  ${label}`;
    if (first.length + 1 > column) return [first, ...lines.map((l) => `${' '.repeat(column)}${l}`)];
    return [`${first.padEnd(column)}${lines[0] ?? ''}`, ...lines.slice(1).map((l) => `${' '.repeat(column)}${l}`)];
  });
}

export function optionsSection(spec: CommandSpec): string {
  return ['Options:', ...rows(optionsOf(spec).map((o) => [optionLabel(o), optionText(o)] as const))].join('\n');
}

function commandsSection(group: CommandSpec): string {
  const subs = group.subcommands ?? [];
  const entry = (s: CommandSpec) => `${s.command.slice(group.command.length + 1)}${s.operands === undefined ? '' : ` ${s.operands}`}`;
  return ['Commands:', ...rows(subs.map((s) => [entry(s), s.summary] as const)), '', `Each command has its own options: hotline ${group.command} <command> --help.`].join('\n');
}

export function renderHelp(spec: CommandSpec): string {
  const group = spec.subcommands !== undefined;
  const usage = group ? `usage: hotline ${spec.command} <command> [options]` : usageLine(spec);
  const parts = [usage, spec.description, ...(group ? [commandsSection(spec)] : []), optionsSection(spec), ...(spec.footer === undefined ? [] : [spec.footer])];
  return parts.join('\n\n');
}
