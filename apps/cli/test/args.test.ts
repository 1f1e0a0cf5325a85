/**
 * Argument parsing and help (args.ts, help.ts): every command's help is generated from the
 * table its parser uses; `--` ends options; --help is only an option; usage errors name the
 * option in one line, exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelpRequested, optionsOf, parseCommand, splitSubcommand, UsageError } from '../src/args.js';
import { PARTY } from '../src/commands/party.js';
import { RELAY } from '../src/commands/relay.js';
import { SEND } from '../src/commands/send.js';
import { STATUS } from '../src/commands/status.js';
import { COMMAND_SPECS } from '../src/main.js';
import { runCli as run } from './run-cli.js';


/** The option names a help text's Options section lists (the labels, not words in descriptions). */
function listedOptions(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Options:');
  assert.ok(start >= 0, `an Options section in:\n${help}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end).flatMap((line) => {
    const label = /^ {2}(?:-[a-z], )?--([a-z][a-z-]*)/.exec(line);
    return label === null ? [] : [label[1]!];
  });
}

test("every command's --help lists exactly the options its parser accepts", async () => {
  for (const spec of COMMAND_SPECS) {
    const words = spec.command.split(' ');
    const help = await run(...words, '--help');
    assert.equal(help.code, 0, `hotline ${spec.command} --help: ${help.err}`);
    assert.equal((await run(...words, '-h')).out, help.out, `-h is --help for ${spec.command}`);
    const accepted = optionsOf(spec).map((o) => o.name);
    assert.deepEqual(listedOptions(help.out).sort(), [...accepted].sort(), `hotline ${spec.command} --help`);
    const usage = help.out.split('\n')[0]!;
    assert.ok(usage.startsWith(`usage: hotline ${spec.command}`), usage);
    for (const named of usage.matchAll(/--([a-z][a-z-]*)/g)) assert.ok(accepted.includes(named[1]!), `${usage}: --${named[1]} is accepted`);
    if (spec.subcommands !== undefined) continue; // a group only finds its subcommand
    // Through main, as typed: the command's own parser takes every listed option, and names an unknown one.
    const given = optionsOf(spec).filter((o) => o.name !== 'help').flatMap((o) => (o.type === 'string' ? [`--${o.name}`, 'x'] : [`--${o.name}`]));
    const refused = await run(...words, ...given, '--no-such-option');
    assert.equal(refused.code, 2, `hotline ${spec.command}: ${refused.err}`);
    assert.match(refused.err, /^hotline: unknown option --no-such-option\b/, `hotline ${spec.command} accepts ${given.join(' ')}`);
  }
});

test('every command the top-level help lists has generated help', async () => {
  const top = (await run('--help')).out.split('\n');
  const section = top.slice(top.indexOf('Commands:') + 1, top.indexOf('', top.indexOf('Commands:')));
  const listed = section.flatMap((line) => /^ {2}([a-z]+(?:(?:, | )[a-z]+)*)(?: {2,}|$)/.exec(line)?.[1]?.split(', ') ?? []);
  assert.ok(listed.length >= 17, listed.join(' '));
  const specs = new Set(COMMAND_SPECS.map((s) => s.command));
  for (const command of listed) assert.ok(specs.has(command), `hotline ${command} has a table`);
});

test('-- ends options: what follows is text, even --help', () => {
  assert.deepEqual(parseCommand(['chan', '--', '--- STOP ---'], SEND).positionals, ['chan', '--- STOP ---']);
  assert.deepEqual(parseCommand(['chan', '--home', 'h', '--', '--help'], SEND).positionals, ['chan', '--help']);
  assert.deepEqual(parseCommand(['chan', '--', '--precedence', 'flash'], SEND).values.get('precedence'), 'routine', 'an option after -- is text, not an option');
});

test('--help is help only where it is an option', async () => {
  assert.throws(() => parseCommand(['chan', '--help'], SEND), HelpRequested);
  assert.throws(() => parseCommand(['-h', 'chan'], SEND), HelpRequested);
  assert.deepEqual(parseCommand(['chan', 'see --help for more'], SEND).positionals, ['chan', 'see --help for more']);
  // As typed: the message is sent (here: refused for the missing home), not the help printed.
  const sent = await run('send', 'chan', '--home', '/nonexistent/hotline-home', '--', '--help');
  assert.equal(sent.code, 2);
  assert.match(sent.err, /no Hotline home at \/nonexistent\/hotline-home/);
  assert.doesNotMatch(sent.out, /usage:/);
  // Help wins over what else is wrong on the line: it is what was asked for.
  assert.equal((await run('relay', '--no-such-option', '--help')).code, 0);
});

test('--name=value, repeatable options in order, and defaults from the table', () => {
  const relay = parseCommand(['--data=d', '--party', 'A', '--party=B', '--witness', 'http://w=K'], RELAY);
  assert.equal(relay.values.get('data'), 'd');
  assert.deepEqual(relay.repeated.get('party'), ['A', 'B']);
  assert.deepEqual(relay.repeated.get('witness'), ['http://w=K']);
  assert.equal(relay.values.get('listen'), '127.0.0.1:4780', 'the default the help shows');
  assert.equal(parseCommand([], STATUS).values.get('alerts'), '10');
  assert.equal(parseCommand(['--alerts', '3', '--json'], STATUS).booleans.has('json'), true);
  assert.equal(parseCommand(['--home=/h/--x'], STATUS).values.get('home'), '/h/--x', 'a value with dashes, inline');
});

test('a subcommand is found wherever options put it', () => {
  const split = splitSubcommand(['--home', 'create', 'create', 'washington'], PARTY);
  assert.equal(split.spec?.command, 'party create');
  assert.deepEqual(split.rest, ['--home', 'create', 'washington'], '--home takes a value, so the first create is it');
  assert.equal(splitSubcommand(['frobnicate'], PARTY).spec, undefined);
  assert.throws(() => splitSubcommand(['--help'], PARTY), HelpRequested);
});

test('usage errors name the option in one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['status', '--verbose'], /^hotline: unknown option --verbose$/],
    [['send', 'chan', '-x'], /^hotline: unknown option -x \(an argument that begins with "-" goes after "--"\)$/],
    [['status', '--alerts'], /^hotline: --alerts needs a value: --alerts N$/],
    [['status', '--home', '--json'], /^hotline: --home needs a value, not "--json": --home DIR \(a value that begins with "-" is written --home=VALUE\)$/],
    [['status', '--alerts', '1', '--alerts', '2'], /^hotline: --alerts given twice: it takes one value$/],
    [['status', '--json=yes'], /^hotline: --json takes no value$/],
    [['status', '--alerts', '10001'], /^hotline: --alerts must be between 0 and 10000, got 10001$/],
    [['status', '--alerts', 'ten'], /^hotline: --alerts must be a whole number, got "ten"$/],
    [['relay'], /^hotline: --data DIR is required$/],
    [['witness', '--data', 'd'], /^hotline: at least one --log VKEY is required$/],
    [['party', 'enrol', '00'], /^hotline: --member NAME is required$/],
    [['ack', 'chan', 'id', '--precedence', 'flash'], /^hotline: unknown option --precedence\b/],
  ];
  for (const [argv, message] of cases) {
    const result = await run(...argv);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
    const [first, second, ...more] = result.err.split('\n');
    assert.match(first!, message, argv.join(' '));
    assert.equal(second, "Run 'hotline --help' for usage.");
    assert.deepEqual(more, []);
  }
  assert.throws(() => parseCommand(['--bogus'], STATUS), UsageError);
});
