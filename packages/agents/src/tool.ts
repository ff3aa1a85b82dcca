/**
 * Function tools: run by the session, on this machine, when the model calls them. The model
 * is shown the JSON Schema of the zod schema; what it sends back is parsed and checked against
 * that schema before `execute` sees it, and a mismatch goes back to the model, not to `execute`.
 *
 * @example
 * const getWeather = tool({
 *   name: 'get_weather',
 *   description: 'The weather in a city.',
 *   parameters: z.object({ city: z.string() }),
 *   needsApproval: false,
 *   execute: async ({ city }) => `It is sunny in ${city}.`,
 * });
 */
import { z } from 'zod';
import { UserError } from './errors.js';
import type { RunContext } from './run-context.js';

/** The model's call of a function tool, as it arrived. */
export interface FunctionCallDetails {
  type: 'function_call';
  /** The conversation item of the call. */
  itemId: string;
  callId: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
}

export interface ToolCallDetails {
  toolCall: FunctionCallDetails;
}

export type ParsedArguments = { ok: true; input: unknown } | { ok: false; message: string };

export interface FunctionTool<TContext = unknown> {
  readonly type: 'function';
  readonly name: string;
  readonly description: string;
  /** The JSON Schema of the arguments, as the model is shown it. */
  readonly parameters: Record<string, unknown>;
  /** The model's JSON checked against the schema; a mismatch is worded for the model. */
  parseArguments(json: string): ParsedArguments;
  /** Whether this call waits for `session.approve()` / `session.reject()`. */
  needsApproval(runContext: RunContext<TContext>, input: unknown, callId: string): Promise<boolean>;
  /** Runs the tool on parsed arguments; what the model is told. Throws what `execute` throws. */
  invoke(runContext: RunContext<TContext>, input: unknown, details: ToolCallDetails): Promise<string>;
}

/** A zod object schema (zod 4). */
export type ToolParameters = z.ZodObject;

export interface ToolOptions<TParameters extends ToolParameters, TContext> {
  /** 1–64 letters, digits, `_` or `-`. */
  name: string;
  description: string;
  /** The arguments; default: none. */
  parameters?: TParameters;
  /** The tool's work. A string goes to the model as is; anything else as JSON. */
  execute(input: z.output<TParameters>, runContext: RunContext<TContext>, details: ToolCallDetails): unknown;
  /** Ask the user first (`tool_approval_requested`): always, never (default), or per call. */
  needsApproval?: boolean | ((runContext: RunContext<TContext>, input: z.output<TParameters>, callId: string) => boolean | Promise<boolean>);
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function toolOutputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

function jsonSchemaOf(name: string, parameters: ToolParameters): Record<string, unknown> {
  try {
    const { $schema: _dialect, ...schema } = z.toJSONSchema(parameters, { io: 'input' }) as Record<string, unknown>;
    return schema;
  } catch (error) {
    throw new UserError(`The parameters of tool '${name}' cannot be shown to the model as JSON Schema: ${(error as Error).message}`, { cause: error });
  }
}

export function parseToolArguments(name: string, schema: ToolParameters, json: string): ParsedArguments {
  let value: unknown;
  try {
    value = JSON.parse(json.trim() === '' ? '{}' : json);
  } catch (error) {
    return { ok: false, message: `The arguments for ${name} were not valid JSON (${(error as Error).message}), so it did not run. Call ${name} again with a JSON object.` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    message: `The arguments for ${name} did not match its parameters, so it did not run:\n${z.prettifyError(parsed.error)}\nCall ${name} again with arguments that match its parameters.`,
  };
}

export function tool<TParameters extends ToolParameters = z.ZodObject<{}>, TContext = unknown>(options: ToolOptions<TParameters, TContext>): FunctionTool<TContext> {
  const { name, description, execute } = options;
  if (!TOOL_NAME.test(name)) throw new UserError(`Tool name '${name}' is not 1–64 letters, digits, _ or -.`);
  const schema: ToolParameters = options.parameters ?? z.object({});
  const approval = options.needsApproval ?? false;
  return {
    type: 'function',
    name,
    description,
    parameters: jsonSchemaOf(name, schema),
    parseArguments: (json) => parseToolArguments(name, schema, json),
    needsApproval: async (runContext, input, callId) =>
      typeof approval === 'function' ? Boolean(await approval(runContext, input as z.output<TParameters>, callId)) : approval,
    invoke: async (runContext, input, details) => toolOutputText(await execute(input as z.output<TParameters>, runContext, details)),
  };
}
