/**
 * Type assertions on the public API, checked by ../types.test.ts with the TypeScript compiler
 * (a type error here fails the test; so does an `@ts-expect-error` that no longer errs).
 */
import type { AudioFormat, ClientEvent, Item, ServerEvent, WireErrorDetail } from '@parley/protocol';
import { expectTypeOf } from 'vitest';
import { RealtimeClient, type ConnectionState, type ConnectionStatus, type WireFrame } from '../../src/index.js';

declare const client: RealtimeClient;

client.on('response.output_audio.delta', (event, frame) => {
  expectTypeOf(event.delta).toEqualTypeOf<string>();
  expectTypeOf(event.type).toEqualTypeOf<'response.output_audio.delta'>();
  expectTypeOf(event.item_id).toEqualTypeOf<string>();
  expectTypeOf(event.content_index).toEqualTypeOf<number>();
  expectTypeOf(frame).toEqualTypeOf<WireFrame>();
});

client.on('response.output_text.delta', (event) => expectTypeOf(event.delta).toEqualTypeOf<string>());
client.on('response.function_call_arguments.done', (event) => {
  expectTypeOf(event.name).toEqualTypeOf<string>();
  expectTypeOf(event.arguments).toEqualTypeOf<string>();
  expectTypeOf(event.call_id).toEqualTypeOf<string>();
});
client.on('conversation.item.added', (event) => expectTypeOf(event.item).toEqualTypeOf<Item>());
client.on('session.updated', (event) => expectTypeOf(event.session.audio.output.format).toEqualTypeOf<AudioFormat>());
client.on('error', (event) => expectTypeOf(event.error).toEqualTypeOf<WireErrorDetail>());
client.on('response.animation_viseme.delta', (event) => expectTypeOf(event.viseme_id).toEqualTypeOf<number>());
client.on('*', (event, frame) => {
  expectTypeOf(event).toEqualTypeOf<ServerEvent>();
  expectTypeOf(frame.type).toEqualTypeOf<string>();
});
client.on('raw', (frame) => expectTypeOf(frame).toEqualTypeOf<WireFrame>());
client.on('state', (state, previous) => {
  expectTypeOf(state).toEqualTypeOf<ConnectionState>();
  expectTypeOf(previous).toEqualTypeOf<ConnectionStatus>();
  if (state.status === 'reconnecting') expectTypeOf(state.attempt).toEqualTypeOf<number>();
});

expectTypeOf(client.waitFor('response.done')).resolves.toEqualTypeOf<ServerEvent<'response.done'>>();
expectTypeOf(client.on('response.done', () => {})).toEqualTypeOf<() => void>();
expectTypeOf(client.createResponse()).toEqualTypeOf<string>();
expectTypeOf(client.state).toEqualTypeOf<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed'>();

// Handlers use canonical names: a dialect's wire name is not an event of the client.
// @ts-expect-error — 'response.text.delta' is beta's wire name for 'response.output_text.delta'
client.on('response.text.delta', () => {});
// @ts-expect-error — audio deltas are base64 text, not bytes
client.on('response.output_audio.delta', (event: { delta: Uint8Array }) => void event);
// @ts-expect-error — a handler of one event cannot take another's payload
client.on('response.done', (event: ServerEvent<'response.created'>) => void event);
// @ts-expect-error — outgoing audio is base64 text (the server decodes it to bytes)
client.send({ type: 'input_audio_buffer.append', audio: new Uint8Array(4) });
// @ts-expect-error — a server-side decoded event is not something a client sends
client.send({} as ClientEvent);
