/**
 * Argument parsing on node:util parseArgs (strict), driven by one option table per command —
 * the same table generates the command's --help (help.ts), so help cannot drift from what is
 * accepted. Unknown options, missing values and repeated values are usage errors (exit 2) in
 * our own words, never ignored. `--` ends options: what follows is text, even `--help`.
 */
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './failures.js';

/** Bad usage (code `usage`, exit 2): the words say what is wrong with the command line. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}

/** `--help` (or `-h`) was given where it is an option: main prints the spec's help and exits 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly spec: CommandSpec) {
    super(`help for hotline ${spec.command}`);
  }
}

/** One row of a command's option table. */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** A value option that may be given more than once (`--party A --party B`), kept in order. */
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in help (`DIR` in `--home DIR`); string options only. */
  readonly placeholder?: string;
  readonly description: string;
  /** Applied when the option is absent, and shown in help; a default that depends on the environment is written in the description instead. */
  readonly default?: string;
  /** Refused when absent (for a multiple option: when given no times). */
  readonly required?: boolean;
}

/** A command (`send`) or a subcommand (`channel create`): its table and its hand-written prose. */
export interface CommandSpec {
  /** The words after `hotline`: `send`, `channel create`. */
  readonly command: string;
  /** Positional operands as the usage line shows them (`CHANNEL [TEXT]`); checked by the command. */
  readonly operands?: string;
  /** One line for the list of commands in a group's help. */
  readonly summary: string;
  /** Hand-written paragraphs between the usage line and the options. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Hand-written paragraphs after the options: environment, exit status. */
  readonly footer?: string;
  /** For a group (`party`, `channel`): its subcommands, each parsed by its own table. */
  readonly subcommands?: readonly CommandSpec[];
  /** For these arguments the command reads its standard input (send with no TEXT): a command forwarded to the running terminal sends it along. */
  readonly readsStdin?: (args: ParsedArgs) => boolean;
}

/** Every command accepts --help; it is part of each table, so help lists it too. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'this text' };

export interface ParsedArgs {
  readonly positionals: string[];
  /** Value options given once (or their default). */
  readonly values: Map<string, string>;
  /** Every value of a multiple option, in order. */
  readonly repeated: Map<string, string[]>;
  readonly booleans: Set<string>;
}

type Token = NonNullable<ReturnType<typeof nodeParseArgs>['tokens']>[number];
type OptionToken = Extract<Token, { kind: 'option' }>;

export function optionsOf(spec: CommandSpec): readonly OptionSpec[] {
  return [...spec.options, HELP_OPTION];
}

export function flagName(option: OptionSpec): string {
  return option.type === 'string' ? `--${option.name} ${option.placeholder ?? 'VALUE'}` : `--${option.name}`;
}

function nodeOptions(options: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(options.map((o) => [o.name, { type: o.type, ...(o.short === undefined ? {} : { short: o.short }), ...(o.multiple === true ? { multiple: true } : {}) }]));
}

/** Non-strict tokens: what the user wrote, even when the strict parse refuses it. */
function lenientTokens(argv: readonly string[], options: readonly OptionSpec[]): Token[] {
  return nodeParseArgs({ args: [...argv], options: nodeOptions(options), strict: false, allowPositionals: true, tokens: true }).tokens ?? [];
}

function isOptionToken(token: Token): token is OptionToken {
  return token.kind === 'option';
}

function asksForHelp(tokens: readonly Token[]): boolean {
  return tokens.some((t) => isOptionToken(t) && t.name === HELP_OPTION.name);
}

/**
 * Parses a command's arguments with its table. Throws HelpRequested for --help before `--`
 * (whatever else is wrong, help is what was asked for), else UsageError naming the option.
 */
export function parseCommand(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const options = optionsOf(spec);
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: [...argv], options: nodeOptions(options), strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    const tokens = lenientTokens(argv, options);
    if (asksForHelp(tokens)) throw new HelpRequested(spec);
    throw diagnose(tokens, options, spec, error);
  }
  const tokens = parsed.tokens ?? []; // always present: tokens: true
  if (asksForHelp(tokens)) throw new HelpRequested(spec);
  refuseRepeats(tokens, options);
  const args = collect(parsed, options);
  refuseMissing(args, options);
  return args;
}

/**
 * Our words for what the strict parse refused, found from the lenient tokens: Node's own
 * messages ("argument is ambiguous") do not say what to do.
 */
function diagnose(tokens: readonly Token[], options: readonly OptionSpec[], spec: CommandSpec, error: unknown): UsageError {
  const byName = new Map(options.map((o) => [o.name, o]));
  for (const t of tokens.filter(isOptionToken)) {
    const option = byName.get(t.name);
    if (option === undefined) return new UsageError(`unknown option ${t.rawName}${spec.operands === undefined ? '' : ` (an argument that begins with "-" goes after "--")`}`);
    if (option.type === 'boolean' && t.value !== undefined) return new UsageError(`--${option.name} takes no value`);
    if (option.type === 'string' && t.value === undefined) return new UsageError(`--${option.name} needs a value: ${flagName(option)}`);
    // A value taken from the next argument that looks like an option is most likely a missing value.
    if (option.type === 'string' && t.inlineValue !== true && /^-./.test(t.value ?? '')) {
      return new UsageError(`--${option.name} needs a value, not ${JSON.stringify(t.value)}: ${flagName(option)} (a value that begins with "-" is written --${option.name}=VALUE)`);
    }
  }
  return new UsageError(`bad arguments: ${error instanceof Error ? error.message : String(error)}`);
}

/** parseArgs keeps the last of two values silently; a value given twice is a mistake to name. */
function refuseRepeats(tokens: readonly Token[], options: readonly OptionSpec[]): void {
  const seen = new Set<string>();
  for (const t of tokens.filter(isOptionToken)) {
    const option = options.find((o) => o.name === t.name);
    if (option?.type !== 'string' || option.multiple === true) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} given twice: it takes one value`);
    seen.add(t.name);
  }
}

function collect(parsed: ReturnType<typeof nodeParseArgs>, options: readonly OptionSpec[]): ParsedArgs {
  const args: ParsedArgs = { positionals: [...parsed.positionals], values: new Map(), repeated: new Map(), booleans: new Set() };
  for (const option of options) {
    const value = parsed.values[option.name];
    if (option.type === 'boolean') {
      if (value === true) args.booleans.add(option.name);
    } else if (option.multiple === true) {
      if (Array.isArray(value)) args.repeated.set(option.name, value.map(String));
    } else if (typeof value === 'string') {
      args.values.set(option.name, value);
    } else if (option.default !== undefined) {
      args.values.set(option.name, option.default);
    }
  }
  return args;
}

function refuseMissing(args: ParsedArgs, options: readonly OptionSpec[]): void {
  for (const option of options.filter((o) => o.required === true)) {
    if (option.multiple === true ? (args.repeated.get(option.name) ?? []).length === 0 : !args.values.has(option.name)) {
      throw new UsageError(option.multiple === true ? `at least one ${flagName(option)} is required` : `${flagName(option)} is required`);
    }
  }
}

/**
 * A group's subcommand (`party create …`): its first positional, wherever options put it
 * (`--home X create` finds `create`, because the group's tables say --home takes a value).
 * Returns the subcommand's spec (undefined if none was named; `name` if unknown) and the
 * arguments without it. `hotline party --help` with no subcommand is the group's help.
 */
export function splitSubcommand(argv: readonly string[], group: CommandSpec): { name: string | undefined; spec: CommandSpec | undefined; rest: string[] } {
  const subs = group.subcommands ?? [];
  const union = new Map(subs.flatMap((s) => optionsOf(s)).map((o) => [o.name, o]));
  const tokens = lenientTokens(argv, [...union.values()]);
  const first = tokens.find((t): t is Extract<Token, { kind: 'positional' }> => t.kind === 'positional');
  if (first === undefined) {
    if (asksForHelp(tokens)) throw new HelpRequested(group);
    return { name: undefined, spec: undefined, rest: [...argv] };
  }
  const spec = subs.find((s) => s.command === `${group.command} ${first.value}`);
  return { name: first.value, spec, rest: argv.filter((_, i) => i !== first.index) };
}

export function integerFlag(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const text = args.values.get(name);
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}
