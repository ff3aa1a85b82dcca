/**
 * Resolves a `response.create` against the session: which settings win (the request's
 * overrides, else the session's), which items form the context, and what the LLM is asked.
 */
import { mergeAudioFormat, ParleyError, type Item, type McpTool, type ResponseParams, type SessionObject, type Tool, type ToolChoice } from '@parley/protocol';
import type { LlmEngine, LlmTool, LlmToolChoice } from '../engines/llm/index.js';
import type { TtsEngine } from '../engines/tts/index.js';
import type { Conversation } from './conversation.js';
import { itemFromInput } from './items-from-input.js';
import { buildChatMessages } from './llm-context.js';
import type { ResponsePlan } from './response-run.js';
import { checkTools } from './session-config.js';
import type { SearchTools } from '../tools/search/search-tools.js';
import { fitContext } from './context-window.js';

function llmTools(tools: readonly Tool[]): LlmTool[] {
  return tools.flatMap((tool) => (tool.type === 'function' ? [{ name: tool.name, description: tool.description, parameters: tool.parameters }] : []));
}

function llmToolChoice(choice: ToolChoice): LlmToolChoice {
  if (typeof choice === 'string') return choice;
  return choice.type === 'function' ? { name: choice.name } : 'auto';
}

/** The `mcp` tools (servers); their tools are offered by the response once listed. */
function mcpServers(tools: readonly Tool[]): McpTool[] {
  return tools.filter((tool): tool is McpTool => tool.type === 'mcp');
}

/** The items the response reads: `input` replaces the conversation, `append_input_items` extends it. */
function contextItems(params: ResponseParams, conversation: Conversation): Item[] {
  if (params.input) {
    const resolved: Item[] = [];
    params.input.forEach((entry, index) => {
      const param = `response.input[${index}]`;
      if (entry.type === 'item_reference') {
        const item = conversation.get(entry.id);
        if (!item) throw new ParleyError('item_not_found', `Item with id '${entry.id}' not found in the conversation.`, { param: `${param}.id` });
        resolved.push(item);
      } else {
        resolved.push(itemFromInput(entry, [...conversation.items, ...resolved], param));
      }
    });
    return resolved;
  }
  const items = [...conversation.items];
  params.append_input_items?.forEach((entry, index) => {
    const param = `response.append_input_items[${index}]`;
    if (entry.type === 'item_reference') {
      const item = conversation.get(entry.id);
      if (!item) throw new ParleyError('item_not_found', `Item with id '${entry.id}' not found in the conversation.`, { param: `${param}.id` });
      items.push(item);
    } else {
      items.push(itemFromInput(entry, items, param));
    }
  });
  return items;
}

export interface PlanInput {
  params: ResponseParams;
  session: SessionObject;
  /** Whether a client set the session's temperature (else the model's default applies). */
  temperatureSet: boolean;
  conversation: Conversation;
  llm: LlmEngine;
  /** The speech engine, if the profile has one. */
  tts?: TtsEngine | null;
  /** The profile's search tools, if it has any. */
  search?: SearchTools | null;
  /** The model's context window in tokens; the messages are fitted into it, less room for the answer. */
  contextTokens: number;
}

/** Tokens kept free for the answer: its limit, at most a quarter of the window. */
function answerReserve(maxOutput: number | 'inf', contextTokens: number): number {
  return Math.min(maxOutput === 'inf' ? 1024 : maxOutput, Math.floor(contextTokens / 4));
}

export function planResponse({ params, session, temperatureSet, conversation, llm, tts, search, contextTokens }: PlanInput): ResponsePlan {
  const tools = params.tools ?? session.tools;
  const toolChoice = params.tool_choice ?? session.tool_choice;
  checkTools(tools, toolChoice, 'response');
  let instructions = params.instructions ?? session.instructions;
  if (params.additional_instructions) instructions = instructions ? `${instructions}\n\n${params.additional_instructions}` : params.additional_instructions;
  const output = params.audio?.output;
  const items = contextItems(params, conversation);
  const functionTools = llm.capabilities.tools ? llmTools(tools) : [];
  const voice = output?.voice ?? session.audio.output.voice;
  // Voice Live: `animation` without `outputs` means blendshapes.
  const animationOutputs: readonly string[] = session.animation ? (session.animation.outputs ?? ['blendshapes']) : [];
  return {
    output_modalities: params.output_modalities ?? session.output_modalities,
    voice,
    format: mergeAudioFormat(session.audio.output.format, output?.format),
    max_output_tokens: params.max_output_tokens ?? session.max_output_tokens,
    temperature: params.temperature ?? session.temperature,
    temperatureSet: temperatureSet || params.temperature !== undefined,
    metadata: params.metadata ?? null,
    buildMessages: (extra = []) =>
      fitContext(
        buildChatMessages([...items, ...extra], { instructions, images: llm.capabilities.images }),
        session.truncation,
        contextTokens - answerReserve(params.max_output_tokens ?? session.max_output_tokens, contextTokens),
      ).messages,
    tools: functionTools,
    searchTools: llm.capabilities.tools && search ? search.llmTools(new Set(functionTools.map((tool) => tool.name))) : [],
    includeSearchResults: session.include?.includes('file_search_call.results') ?? false,
    tool_choice: llmToolChoice(toolChoice),
    mcp: llm.capabilities.tools ? mcpServers(tools) : [],
    mcpToolChoice: typeof toolChoice === 'object' && toolChoice.type === 'mcp' ? { server_label: toolChoice.server_label, name: toolChoice.name } : null,
    speech: tts
      ? {
          tts,
          voice: tts.resolveVoice(voice),
          speed: output?.speed ?? session.audio.output.speed,
          wordTimestamps: session.output_audio_timestamp_types?.includes('word') ?? false,
          animation: {
            visemes: animationOutputs.includes('viseme_id'),
            blendshapes: animationOutputs.includes('blendshapes'),
          },
        }
      : null,
  };
}
