/**
 * Pure conversions for the llama.cpp engine (no model needed, so unit-testable):
 * - OpenAI-style chat messages → node-llama-cpp's chat history, where a tool call and its
 *   result live together inside the model response that made the call;
 * - a tool's JSON Schema → the subset node-llama-cpp turns into a GBNF grammar.
 */
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import type { ChatContentPart, ChatMessage, LlmTool } from './index.js';

type Json = Record<string, unknown>;

/** What an assistant tool call is given as its result when no `tool` message answered it. */
export const NO_TOOL_RESULT = 'no result';

function textOf(content: string | ChatContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '[image omitted]')).join('\n');
}

/** Tool arguments and results are JSON text; the model sees them as values when they parse. */
function parseJsonish(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Converts the stateless message list into node-llama-cpp's history. A `tool` message's output
 * becomes the `result` of the matching call in the earlier assistant item; an output whose call
 * is not in the list becomes a user message that quotes it. When the list ends with tool outputs,
 * the history ends with that model response, and the model continues it after the results.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: textOf(message.content) });
        break;
      case 'assistant': {
        const response: Array<string | ChatModelFunctionCall> = [];
        if (message.content) response.push(message.content);
        for (const [i, call] of (message.tool_calls ?? []).entries()) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.function.name,
            params: parseJsonish(call.function.arguments || '{}'),
            result: undefined,
            startsNewChunk: i === 0,
          };
          calls.set(call.id, item);
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = calls.get(message.tool_call_id);
        if (call && call.result === undefined) call.result = parseJsonish(message.content);
        else history.push({ type: 'user', text: `Output of tool call ${message.tool_call_id}: ${message.content}` });
        break;
      }
    }
  }
  for (const call of calls.values()) if (call.result === undefined) call.result = NO_TOOL_RESULT;
  return history;
}

/** The model's text-only view of a tool list, for prompting a grammar-constrained call. */
export function describeTools(tools: readonly LlmTool[]): string {
  return tools
    .map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ''}\n  arguments (JSON Schema): ${JSON.stringify(t.parameters ?? { type: 'object', properties: {} })}`)
    .join('\n');
}

export function toFunctions(tools: readonly LlmTool[]): ChatModelFunctions {
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of tools) {
    functions[tool.name] = { description: tool.description, params: toGbnfSchema(tool.parameters ?? { type: 'object', properties: {} }) };
  }
  return functions;
}

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const FORMATS = new Set(['date-time', 'time', 'date']);
/** A value whose shape is unknown: any primitive (nested structures need a schema). */
const ANY: GbnfJsonSchema = { type: ['string', 'number', 'boolean', 'null'] };
const MAX_DEPTH = 12;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitiveValue(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function withDescription(schema: GbnfJsonSchema, source: Json): GbnfJsonSchema {
  return typeof source.description === 'string' ? ({ ...schema, description: source.description } as GbnfJsonSchema) : schema;
}

function resolveRef(ref: string, root: Json): unknown {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const defs = root[match[1] as string];
  return isObject(defs) ? defs[decodeURIComponent(match[2] as string).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

function mergeAllOf(parts: unknown[]): Json {
  const merged: Json = {};
  const properties: Json = {};
  for (const part of parts) {
    if (!isObject(part)) continue;
    Object.assign(merged, part);
    if (isObject(part.properties)) Object.assign(properties, part.properties);
  }
  delete merged.allOf;
  if (Object.keys(properties).length > 0) merged.properties = properties;
  return merged;
}

/**
 * Maps a JSON Schema onto node-llama-cpp's grammar subset, best effort: `$ref`s into
 * `$defs`/`definitions` are inlined (to a depth of 12), `anyOf` becomes `oneOf`, `allOf` is
 * merged, `nullable` adds `null`, `enum`/`const` keep their primitive values, strings keep
 * `minLength`/`maxLength` or a `date`/`time`/`date-time` format, arrays keep `items`,
 * `prefixItems`, `minItems`/`maxItems`. Objects with declared properties generate exactly
 * those properties (node-llama-cpp's grammar makes every declared property present, so
 * `required` has no effect), `properties: {}` gives `{}`; an object schema without
 * `properties` is free-form unless `additionalProperties` is false. Anything
 * else (`pattern`, numeric bounds, `not`, …) is dropped; a schema with no usable shape allows
 * any primitive value.
 */
export function toGbnfSchema(schema: unknown, root: unknown = schema, depth = 0): GbnfJsonSchema {
  if (!isObject(schema) || depth > MAX_DEPTH) return ANY;
  const rootObject = isObject(root) ? root : {};
  const next = (s: unknown) => toGbnfSchema(s, rootObject, depth + 1);

  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, rootObject);
    return target === undefined ? ANY : withDescription(next(target), schema);
  }
  if (schema.nullable === true) {
    const { nullable: _, ...rest } = schema;
    return { oneOf: [next(rest), { type: 'null' }] };
  }
  if ('const' in schema && isPrimitiveValue(schema.const)) return withDescription({ const: schema.const }, schema);
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter(isPrimitiveValue);
    return values.length > 0 ? withDescription({ enum: values }, schema) : ANY;
  }
  const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (alternatives) {
    const { oneOf: _o, anyOf: _a, ...base } = schema;
    // Keywords beside the alternatives (say a shared `type`) apply to each of them.
    const mapped = alternatives.map((alt) => next(isObject(alt) ? { ...base, ...alt } : alt));
    if (mapped.length === 0) return ANY;
    return mapped.length === 1 ? (mapped[0] as GbnfJsonSchema) : withDescription({ oneOf: mapped }, schema);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => (isObject(part) && typeof part.$ref === 'string' ? resolveRef(part.$ref, rootObject) : part));
    return next(mergeAllOf([{ ...schema, allOf: undefined }, ...parts]));
  }

  let type = schema.type;
  if (type === undefined) {
    if (isObject(schema.properties) || schema.additionalProperties !== undefined) type = 'object';
    else if (schema.items !== undefined || schema.prefixItems !== undefined) type = 'array';
    else return ANY;
  }
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === 'string');
    if (types.length === 0) return ANY;
    if (types.length === 1) return next({ ...schema, type: types[0] });
    const stringConstraints = schema.minLength !== undefined || schema.maxLength !== undefined || schema.format !== undefined;
    if (types.every((t) => PRIMITIVES.has(t)) && !stringConstraints) {
      return withDescription({ type: types as ('string' | 'number' | 'integer' | 'boolean' | 'null')[] }, schema);
    }
    return withDescription({ oneOf: types.map((t) => next({ ...schema, type: t, description: undefined })) }, schema);
  }
  switch (type) {
    case 'string': {
      if (typeof schema.format === 'string' && FORMATS.has(schema.format)) {
        return withDescription({ type: 'string', format: schema.format as 'date-time' | 'time' | 'date' }, schema);
      }
      const out: { type: 'string'; minLength?: number; maxLength?: number } = { type: 'string' };
      if (typeof schema.minLength === 'number') out.minLength = schema.minLength;
      if (typeof schema.maxLength === 'number') out.maxLength = schema.maxLength;
      return withDescription(out, schema);
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return withDescription({ type }, schema);
    case 'array': {
      const out: { type: 'array'; items?: GbnfJsonSchema; prefixItems?: GbnfJsonSchema[]; minItems?: number; maxItems?: number } = { type: 'array' };
      if (isObject(schema.items)) out.items = next(schema.items);
      if (Array.isArray(schema.prefixItems)) out.prefixItems = schema.prefixItems.map(next);
      if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
      if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
      return withDescription(out, schema);
    }
    case 'object': {
      const properties: Record<string, GbnfJsonSchema> = {};
      if (isObject(schema.properties)) for (const [key, value] of Object.entries(schema.properties)) properties[key] = next(value);
      // `properties: {}` means "no arguments"; no `properties` at all means free-form.
      const declared = isObject(schema.properties);
      const out: {
        type: 'object';
        properties?: Record<string, GbnfJsonSchema>;
        additionalProperties?: boolean | GbnfJsonSchema;
        minProperties?: number;
        maxProperties?: number;
      } = { type: 'object' };
      if (declared) out.properties = properties;
      const extra = schema.additionalProperties;
      if (isObject(extra)) out.additionalProperties = next(extra);
      else if (!declared && extra !== false) out.additionalProperties = true;
      if (!declared && extra !== false) {
        if (typeof schema.minProperties === 'number') out.minProperties = schema.minProperties;
        if (typeof schema.maxProperties === 'number') out.maxProperties = schema.maxProperties;
      }
      return withDescription(out, schema);
    }
    default:
      return ANY;
  }
}
