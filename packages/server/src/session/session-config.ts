/**
 * The session's effective configuration: its defaults, and how a `session.update` patch
 * merges into it. `session.updated` always carries the whole result, defaults filled in.
 */
import { mergeAudioFormat, ParleyError, withTurnDetectionDefaults, type SessionObject, type SessionPatch, type Tool, type ToolChoice } from '@parley/protocol';

export { defaultSession, withTurnDetectionDefaults, type SessionDefaults } from '@parley/protocol';

/** Rejects tool lists with two functions of one name, and a forced function that is not offered. */
export function checkTools(tools: readonly Tool[], choice: ToolChoice, param: string): void {
  const seen = new Set<string>();
  tools.forEach((tool, index) => {
    const key = tool.type === 'function' ? `function:${tool.name}` : `mcp:${tool.server_label}`;
    if (seen.has(key)) {
      const what = tool.type === 'function' ? `function '${tool.name}'` : `MCP server label '${tool.server_label}'`;
      throw new ParleyError('invalid_value', `Duplicate ${what} in '${param}.tools'.`, { param: `${param}.tools[${index}]` });
    }
    seen.add(key);
  });
  if (typeof choice === 'object' && choice.type === 'function' && !seen.has(`function:${choice.name}`)) {
    throw new ParleyError('invalid_value', `'${param}.tool_choice' names function '${choice.name}', which is not among the tools.`, {
      param: `${param}.tool_choice`,
    });
  }
}

/** The session after `patch`. Throws (changing nothing) if the result would be invalid. */
export function mergeSession(current: SessionObject, patch: SessionPatch): SessionObject {
  const { audio, ...top } = patch;
  const next: SessionObject = { ...current, ...top, audio: current.audio };
  if (audio) {
    const { format: inputFormat, ...input } = audio.input ?? {};
    const { format: outputFormat, ...output } = audio.output ?? {};
    next.audio = {
      input: { ...current.audio.input, ...input, format: mergeAudioFormat(current.audio.input.format, inputFormat) },
      output: { ...current.audio.output, ...output, format: mergeAudioFormat(current.audio.output.format, outputFormat) },
    };
    if (input.turn_detection !== undefined) next.audio.input.turn_detection = withTurnDetectionDefaults(input.turn_detection);
  }
  checkTools(next.tools, next.tool_choice, 'session');
  return next;
}
