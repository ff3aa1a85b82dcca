import { getLlama, type GbnfJsonSchema } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, LlmEvent } from '../../../src/engines/llm/index.js';
import { NO_TOOL_RESULT, toChatHistory, toFunctions, toGbnfSchema } from '../../../src/engines/llm/llama-cpp-convert.js';
import { ToolCallEvents } from '../../../src/engines/llm/llama-cpp.js';

describe('toChatHistory', () => {
  it('maps roles, joins content parts and folds tool outputs into the calls', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
          { id: 'b', type: 'function', function: { name: 'peek', arguments: 'not json' } },
          { id: 'c', type: 'function', function: { name: 'skip', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: '{"seen":"a cat"}' },
      { role: 'tool', tool_call_id: 'b', content: 'plain text' },
      { role: 'tool', tool_call_id: 'zzz', content: 'orphan' },
    ];
    expect(toChatHistory(messages)).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'What is this?\n[image omitted]' },
      {
        type: 'model',
        response: [
          'Let me look.',
          { type: 'functionCall', name: 'look', params: { x: 1 }, result: { seen: 'a cat' }, startsNewChunk: true },
          { type: 'functionCall', name: 'peek', params: 'not json', result: 'plain text', startsNewChunk: false },
          { type: 'functionCall', name: 'skip', params: {}, result: NO_TOOL_RESULT, startsNewChunk: false },
        ],
      },
      { type: 'user', text: 'Output of tool call zzz: orphan' },
    ]);
  });

  it('an assistant message without text or calls is an empty model response', () => {
    expect(toChatHistory([{ role: 'assistant', content: null }])).toEqual([{ type: 'model', response: [] }]);
  });
});

describe('toGbnfSchema', () => {
  it('keeps the supported shape and drops the rest', () => {
    expect(
      toGbnfSchema({
        type: 'object',
        description: 'args',
        properties: {
          city: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Z]' },
          when: { type: 'string', format: 'date' },
          email: { type: 'string', format: 'email' },
          days: { type: 'integer', minimum: 1, maximum: 7 },
          unit: { enum: ['c', 'f', { bad: true }] },
          kind: { const: 'x' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
          note: { type: ['string', 'null'] },
          extra: { type: 'object' },
        },
        required: ['city'],
        additionalProperties: false,
      }),
    ).toEqual({
      type: 'object',
      description: 'args',
      properties: {
        city: { type: 'string', minLength: 1, maxLength: 40 },
        when: { type: 'string', format: 'date' },
        email: { type: 'string' },
        days: { type: 'integer' },
        unit: { enum: ['c', 'f'] },
        kind: { const: 'x' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        note: { type: ['string', 'null'] },
        extra: { type: 'object', additionalProperties: true },
      },
    });
  });

  it('inlines $refs, maps anyOf/oneOf/allOf/nullable, and falls back to any primitive', () => {
    const schema = {
      type: 'object',
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } },
      properties: {
        at: { $ref: '#/$defs/Point' },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        merged: { allOf: [{ $ref: '#/$defs/Point' }, { properties: { z: { type: 'number' } } }] },
        maybe: { type: 'boolean', nullable: true },
        mixed: { type: ['string', 'object'], maxLength: 5 },
        whatever: {},
        broken: { $ref: '#/nowhere' },
      },
    };
    const any = { type: ['string', 'number', 'boolean', 'null'] };
    expect(toGbnfSchema(schema)).toEqual({
      type: 'object',
      properties: {
        at: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
        either: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        merged: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' }, z: { type: 'number' } } },
        maybe: { oneOf: [{ type: 'boolean' }, { type: 'null' }] },
        mixed: { oneOf: [{ type: 'string', maxLength: 5 }, { type: 'object', additionalProperties: true }] },
        whatever: any,
        broken: any,
      },
    });
  });

  it('stops inlining recursive $refs', () => {
    const schema = { $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } }, $ref: '#/$defs/Node' };
    let depth = 0;
    let node = toGbnfSchema(schema) as { properties?: { next: unknown } };
    while (node.properties) {
      node = node.properties.next as typeof node;
      depth++;
    }
    expect(depth).toBeGreaterThan(3);
    expect(depth).toBeLessThan(20);
  });

  it("gives node-llama-cpp schemas it can turn into grammars, and tools with no parameters an empty object", async () => {
    const functions = toFunctions([
      { name: 'no_args' },
      { name: 'rich', parameters: { type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] }, b: { type: 'array', prefixItems: [{ type: 'integer' }] } } } },
    ]);
    expect(functions.no_args).toEqual({ description: undefined, params: { type: 'object', properties: {} } });
    const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1 });
    for (const fn of Object.values(functions)) {
      const grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(fn.params as GbnfJsonSchema);
      expect(grammar.grammar).toContain('root ::=');
    }
  });
});

describe('ToolCallEvents', () => {
  it('announces each call once, streams its arguments, and completes calls that streamed nothing', () => {
    const events: LlmEvent[] = [];
    const calls = new ToolCallEvents((e) => events.push(e));
    calls.chunk({ callIndex: 0, functionName: 'a', paramsChunk: '{"x"' });
    calls.chunk({ callIndex: 0, functionName: 'a', paramsChunk: ':1}' });
    calls.chunk({ callIndex: 1, functionName: 'b', paramsChunk: '' });
    calls.complete(0, 'a', { x: 1 });
    calls.complete(2, 'c', { y: 2 });
    expect(calls.count).toBe(3);
    const ids = events.filter((e) => e.type === 'tool_call_start').map((e) => (e as { call_id: string }).call_id);
    expect(new Set(ids).size).toBe(3);
    expect(events.map((e) => (e.type === 'tool_call_start' ? `start ${e.index} ${e.name}` : e.type === 'tool_call_arguments' ? `args ${e.index} ${e.delta}` : e.type))).toEqual([
      'start 0 a',
      'args 0 {"x"',
      'args 0 :1}',
      'start 1 b',
      'start 2 c',
      'args 2 {"y":2}',
    ]);
  });
});
