/**
 * RFC 8785 (JSON Canonicalization Scheme) for the subset a record bundle uses: objects, arrays,
 * strings, booleans and safe integers (|n| ≤ 2^53 − 1). No null, no fractions, no exponents.
 *
 * Writing: members sorted by their names' UTF-16 code units, no whitespace, integers in
 * ECMAScript's shortest form (which for safe integers is plain decimal, and "0" for −0), strings
 * escaped as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2 defines them so): \" \\ \b \f
 * \n \r \t, other controls below U+0020 as \u00xx in lower case, everything else literal.
 * Lone surrogates have no UTF-8 encoding and are refused (RFC 8785 requires I-JSON).
 *
 * Reading (`readCanonicalJson`): strict UTF-8, parse, check the subset, re-encode, and accept
 * only if the text is identical to the re-encoding. Identity rejects, without a rule for each,
 * whitespace, duplicate members (the parse keeps one, the re-encoding is shorter), unsorted
 * members, escapes that need not be (\u0041, \/), and numbers written otherwise (1.0, 1e3, -0).
 */
import { fail, ok, type Result } from '@hotline/log';

export type Json = string | number | boolean | readonly Json[] | { readonly [member: string]: Json };

export type CanonicalJsonCode = 'malformed_json' | 'unsupported_json' | 'not_canonical';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why `value` is outside the subset, or undefined if it is inside; `path` names where. */
function unsupported(value: unknown, path: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return LONE_SURROGATE.test(value) ? `${path}: a string with a lone surrogate` : undefined;
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isSafeInteger(value) ? undefined : `${path}: ${value} is not an integer of at most 2^53 − 1`;
    case 'object': {
      if (value === null) return `${path}: null is not used`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = unsupported(value[i], `${path}[${i}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      for (const [name, member] of Object.entries(value)) {
        const problem = unsupported(name, `${path} member name`) ?? unsupported(member, `${path}.${name}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path}: a ${typeof value} is not JSON`;
  }
}

// JSON.stringify's string escaping is RFC 8785's (both are ECMAScript's); strings without
// anything to escape, the base64 that fills a bundle, skip it.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

function writeString(text: string, out: string[]): void {
  out.push(NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);
}

function write(value: Json, out: string[]): void {
  if (typeof value === 'string') return writeString(value, out);
  if (typeof value === 'boolean') return void out.push(value ? 'true' : 'false');
  if (typeof value === 'number') return void out.push(Object.is(value, -0) ? '0' : String(value));
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i] as Json, out);
    }
    return void out.push(']');
  }
  const object = value as { readonly [member: string]: Json };
  // Default sort compares UTF-16 code units, which is RFC 8785 §3.2.3's order.
  const names = Object.keys(object).sort();
  out.push('{');
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out.push(',');
    writeString(names[i]!, out);
    out.push(':');
    write(object[names[i]!]!, out);
  }
  out.push('}');
}

/** The RFC 8785 text of `value`. Throws TypeError for a value outside the subset (a programming error). */
export function canonicalJson(value: Json): string {
  const problem = unsupported(value, '$');
  if (problem !== undefined) throw new TypeError(`not canonical-JSON subset: ${problem}`);
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** UTF-8 bytes of `canonicalJson(value)`. */
export function encodeCanonicalJson(value: Json): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/** Parses `bytes` only if they are exactly the RFC 8785 encoding of a value in the subset. */
export function readCanonicalJson(bytes: Uint8Array): Result<Json, CanonicalJsonCode> {
  const parsed = parseJsonSubset(bytes);
  if (!parsed.ok) return parsed;
  const canonical = checkCanonical(parsed.value);
  return canonical.ok ? ok(parsed.value.value) : canonical;
}

/** Strict UTF-8, parsed, in the subset — but not yet compared with its re-encoding (`checkCanonical`). */
export interface ParsedJson {
  readonly text: string;
  readonly value: Json;
}

/**
 * The first half of `readCanonicalJson`, for a caller that starts work on the value (say,
 * signature checks on other threads) before the comparison and reads none of its results until
 * `checkCanonical` passed.
 */
export function parseJsonSubset(bytes: Uint8Array): Result<ParsedJson, CanonicalJsonCode> {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    return fail('malformed_json', 'the document is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('malformed_json', `the document is not JSON: ${(error as Error).message}`);
  }
  const problem = unsupported(value, '$');
  if (problem !== undefined) return fail('unsupported_json', problem);
  return ok({ text, value: value as Json });
}

/** The second half: the text must be identical to the RFC 8785 re-encoding of what was parsed. */
export function checkCanonical(parsed: ParsedJson): Result<true, CanonicalJsonCode> {
  const canonical = canonicalJson(parsed.value);
  const text = parsed.text;
  if (canonical !== text) {
    let at = 0;
    while (at < canonical.length && canonical.charCodeAt(at) === text.charCodeAt(at)) at++;
    return fail('not_canonical', `the document is not RFC 8785 canonical JSON: it differs from its canonical form at character ${at}`);
  }
  return ok(true);
}
