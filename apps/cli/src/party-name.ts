/** Party names typed on the command line: refused with the rule and a name that would work. */
import { PARTY_NAME_RULE, partyNameProblem, suggestPartyName } from '@hotline/protocol';
import { UsageError } from './args.js';

/** `name` if it is a valid party name (protocol's one rule), else a UsageError saying why and what to try. */
export function requirePartyName(name: string): string {
  const problem = partyNameProblem(name);
  if (problem === undefined) return name;
  const suggestion = suggestPartyName(name) ?? 'washington';
  throw new UsageError(`${JSON.stringify(name)} is not a party name: ${problem}. ${PARTY_NAME_RULE[0]!.toUpperCase()}${PARTY_NAME_RULE.slice(1)}; try ${JSON.stringify(suggestion)}`);
}
