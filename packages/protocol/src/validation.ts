/**
 * Turns a schema failure into one wire error in the hosted services' style: a registry code,
 * an OpenAI-like sentence, and `param` as the dotted path of the offending field
 * (`session.tools[3].description`).
 */
import type { z } from 'zod';
import { ParleyError } from './errors.js';
import { quoteText } from './quote.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function formatParamPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function quoteValue(value: unknown): string {
  return quoteText(typeof value === 'string' ? value : String(JSON.stringify(value)));
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return expected;
  }
}

function listValues(values: readonly unknown[]): string {
  return values.map((v) => quoteValue(v)).join(', ');
}

/** What one union branch wanted, for the message when no branch matched at all. */
function branchExpectation(issue: Issue): string {
  if (issue.code === 'invalid_type') return expectedName(issue.expected);
  if (issue.code === 'invalid_value') return listValues(issue.values);
  return issue.message;
}

function hasInput(issue: Issue): boolean {
  return 'input' in issue && issue.input !== undefined;
}

function toError(issue: Issue, prefix: Path): ParleyError {
  const path = [...prefix, ...issue.path];
  const param = formatParamPath(path) || null;
  const name = param ?? 'event';
  switch (issue.code) {
    case 'invalid_type':
      if (!hasInput(issue)) return new ParleyError('missing_required_parameter', `Missing required parameter: '${name}'.`, { param });
      return new ParleyError(
        'invalid_type',
        `Invalid type for '${name}': expected ${expectedName(issue.expected)}, but got ${describeJson(issue.input)} instead.`,
        { param },
      );
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const keyParam = formatParamPath([...path, key]);
      return new ParleyError('unknown_parameter', `Unknown parameter: '${keyParam}'.`, { param: keyParam });
    }
    case 'invalid_value':
      return new ParleyError(
        'invalid_value',
        `Invalid value: ${quoteValue(issue.input)}. Supported values for '${name}' are: ${listValues(issue.values)}.`,
        { param },
      );
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const measured = issue.origin === 'string' || issue.origin === 'array' ? ' length' : '';
      const got = issue.origin === 'string' || issue.origin === 'array' ? (issue.input as { length: number }).length : issue.input;
      return new ParleyError(
        'invalid_value',
        `Invalid '${name}': expected a${measured} value ${op} ${String(bound)}, but got ${String(got)} instead.`,
        { param },
      );
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        // A discriminated union whose discriminator matched no option; `path` ends at the discriminator.
        const options = (issue as unknown as { options?: unknown[] }).options ?? [];
        const key = path[path.length - 1];
        const value = issue.input && typeof issue.input === 'object' && key !== undefined ? (issue.input as Record<PropertyKey, unknown>)[key] : issue.input;
        if (value === undefined) return new ParleyError('missing_required_parameter', `Missing required parameter: '${name}'.`, { param });
        return new ParleyError(
          'invalid_value',
          `Invalid value: ${quoteValue(value)}. Supported values for '${name}' are: ${listValues(options)}.`,
          { param },
        );
      }
      // Report the branch that got furthest into the value; at equal depth, one whose literal
      // tag matched (`{type: 'mcp'}` missing a field is not "'mcp' is unsupported"). If every
      // branch failed at the union itself, the value fits none of them.
      let best: Issue | undefined;
      let bestRank = 0;
      for (const branch of issue.errors) {
        const first = branch[0];
        if (!first || first.path.length === 0) continue;
        const tagMismatch = branch.some((i) => i.code === 'invalid_value' && i.values.length === 1);
        const rank = first.path.length * 2 + (tagMismatch ? 0 : 1);
        if (rank > bestRank) {
          best = first;
          bestRank = rank;
        }
      }
      if (best) return toError(best, path);
      const wanted = [...new Set(issue.errors.map((branch) => (branch[0] ? branchExpectation(branch[0]) : '')).filter(Boolean))];
      return new ParleyError(
        'invalid_value',
        `Invalid value for '${name}': expected ${wanted.join(' or ')}, but got ${hasInput(issue) ? quoteValue(issue.input) : 'nothing'}.`,
        { param },
      );
    }
    case 'custom':
      // Our own refinements write whole sentences.
      return new ParleyError('invalid_value', issue.message, { param });
    default:
      return new ParleyError('invalid_value', `Invalid '${name}': ${issue.message}.`, { param });
  }
}

/** The first issue of a failed parse, as a ParleyError. */
export function schemaErrorToParley(error: z.ZodError): ParleyError {
  const first = error.issues[0];
  if (!first) return new ParleyError('invalid_value', 'Invalid event.');
  return toError(first, []);
}
