/**
 * `parley talk` without `--wav`: each line read is a user turn, and the reply streams back as
 * text (and as sound, with a speaker). A line that arrives while a reply is streaming interrupts
 * it — the reply is cancelled, playback stops, and the conversation keeps only what was heard —
 * and is then sent. Lines that arrive while a reply has not started yet wait their turn, so
 * lines piped in get a reply each. At the end of the input, the replies still owed are awaited;
 * the conversation then resolves with how many replies failed.
 */
import { createInterface } from 'node:readline';
import { base64ToBytes, type RealtimeClient } from '@parley/client';
import { CliFailure } from '../cli-failure.js';
import type { Speaker } from './speaker.js';
import type { TalkIo } from './talk-io.js';

export interface TextConversationOptions {
  /** The events are being printed as JSON lines: print no text. */
  json: boolean;
  speaker: Speaker | null;
  /** The longest silence from the server while a reply is owed, ms. */
  replyTimeoutMs: number;
}

interface Turn {
  /** The `event_id` of its `response.create`: an error naming it means no reply is coming. */
  responseEventId: string;
  responseId: string | null;
  itemId: string | null;
  streaming: boolean;
  printed: boolean;
  interrupted: boolean;
  /** The server's `error` event about it was shown already. */
  errorShown: boolean;
}

export function runTextConversation(client: RealtimeClient, io: TalkIo, options: TextConversationOptions): Promise<{ failedReplies: number }> {
  const { speaker } = options;
  return new Promise<{ failedReplies: number }>((resolve, reject) => {
    const queue: string[] = [];
    let failedReplies = 0;
    let turn: Turn | null = null;
    let inputEnded = false;
    let over = false;
    let timer: NodeJS.Timeout | undefined;
    const rl = createInterface({ input: io.input, ...(io.interactive ? { output: io.output, terminal: true } : { terminal: false }) });
    rl.setPrompt('you> ');
    const stopListening: (() => void)[] = [];

    const end = (failure?: Error) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      for (const off of stopListening) off();
      rl.close();
      if (failure) reject(failure);
      else resolve({ failedReplies });
    };
    const armTimer = () => {
      clearTimeout(timer);
      if (turn) timer = setTimeout(() => end(new CliFailure(`No reply from Parley within ${options.replyTimeoutMs} ms.`)), options.replyTimeoutMs);
    };
    const next = () => {
      if (turn || over) return;
      const line = queue.shift();
      if (line !== undefined) {
        client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: line }] });
        turn = { responseEventId: client.createResponse(), responseId: null, itemId: null, streaming: false, printed: false, interrupted: false, errorShown: false };
        armTimer();
      } else if (inputEnded) end();
      else if (io.interactive) rl.prompt();
    };
    const bargeIn = (current: Turn) => {
      current.interrupted = true;
      client.cancelResponse(current.responseId ?? undefined);
      const heardMs = speaker?.stop();
      if (heardMs !== undefined && current.itemId) client.truncateItem(current.itemId, 0, heardMs);
    };
    /** `failure`: why no full reply came, counted among the failed replies. */
    const finishTurn = (current: Turn, failure?: string) => {
      speaker?.endReply();
      if (current.printed && !options.json) io.output.write(`${current.interrupted ? ' [interrupted]' : ''}\n`);
      if (failure) failedReplies++;
      if (failure && !current.errorShown) io.notice(failure);
      turn = null;
      armTimer();
      next();
    };
    const showText = (delta: string) => {
      if (!turn || turn.interrupted) return;
      turn.streaming = true;
      if (options.json) return;
      if (!turn.printed && io.interactive) io.output.write('parley> ');
      turn.printed = true;
      io.output.write(delta);
    };

    rl.on('line', (raw) => {
      const line = raw.trim();
      if (!line) {
        if (!turn && io.interactive) rl.prompt();
        return;
      }
      if (turn?.streaming && !turn.interrupted) bargeIn(turn);
      queue.push(line);
      next();
    });
    rl.on('close', () => {
      inputEnded = true;
      next();
    });
    // Ctrl-C on a terminal: stop now, owed replies or not.
    rl.on('SIGINT', () => {
      speaker?.stop();
      end();
    });

    stopListening.push(
      client.on('*', () => armTimer()),
      client.on('response.created', (event) => {
        if (turn && !turn.responseId) turn.responseId = event.response.id ?? null;
      }),
      client.on('response.output_item.added', (event) => {
        if (turn && !turn.itemId && event.item.type === 'message') turn.itemId = event.item.id ?? null;
      }),
      client.on('response.output_text.delta', (event) => showText(event.delta)),
      client.on('response.output_audio_transcript.delta', (event) => showText(event.delta)),
      client.on('response.output_audio.delta', (event) => {
        if (!turn || turn.interrupted) return;
        turn.streaming = true;
        speaker?.write(base64ToBytes(event.delta));
      }),
      client.on('response.done', (event) => {
        if (!turn || (turn.responseId !== null && event.response.id !== turn.responseId)) return;
        const { status } = event.response;
        const details = event.response.status_details as { error?: { message?: string } } | null | undefined;
        if (status === 'incomplete') io.notice('The reply was cut short (incomplete).');
        finishTurn(turn, status === 'failed' ? `The reply failed: ${details?.error?.message ?? 'no reason given'}` : undefined);
      }),
      client.on('error', (event) => {
        io.notice(`Parley: ${event.error.message}${event.error.code ? ` (${event.error.code})` : ''}`);
        if (!turn) return;
        turn.errorShown = true;
        if (!turn.responseId && event.error.event_id === turn.responseEventId) finishTurn(turn, 'No reply was made.');
      }),
      client.on('state', (state, previous) => {
        if (state.status === 'reconnecting') {
          io.notice(`Lost the connection (code ${state.closeCode ?? '?'}); reconnecting (attempt ${state.attempt})…`);
        } else if (state.status === 'connected' && previous === 'reconnecting') {
          io.notice('Reconnected: this is a new session, so the conversation starts over.');
          if (turn) finishTurn(turn, 'The reply in progress was lost with the connection.');
        } else if (state.status === 'closed') {
          const why = state.error?.message ?? `code ${state.closeCode ?? '?'}${state.closeReason ? `: ${state.closeReason}` : ''}`;
          end(new CliFailure(`The connection to Parley closed (${why}).`));
        }
      }),
    );
    next();
  });
}
