/**
 * A live call: the server's events routed to the views, the microphone streamed in, the answer
 * played, and barge-in — when the user starts speaking, playback stops and the server is told
 * how much of the answer was heard.
 */
import { AudioPlayer } from './audio-player.js';
import { Face } from './face.js';
import { Microphone } from './microphone.js';
import { AUDIO_RATE, sessionUpdate } from './session-settings.js';
import { VisemeTimeline } from './viseme-timeline.js';

const STATUS_INTERVAL_MS = 100;

export class Call {
  #connection;
  #context;
  #views;
  #player;
  #visemes = new VisemeTimeline();
  #face;
  #mic = null;
  #responseActive = false;
  /** Items cut at barge-in: any audio of theirs still in flight is not played. */
  #cutItems = new Set();
  #statusTimer;
  #hungUp = false;
  /** Whether the user's speech cuts the answer (the session's `interrupt_response`). */
  #speechInterrupts = true;

  /**
   * @param {import('./connection.js').RealtimeConnection} connection
   * @param {AudioContext} context
   * @param {object} views transcripts, log, latency, tools, mouth, playback, level, showError
   */
  constructor(connection, context, views) {
    this.#connection = connection;
    this.#context = context;
    this.#views = views;
    this.#player = new AudioPlayer(context, AUDIO_RATE);
    this.#face = new Face(views.mouth, () => (this.#player.playing ? this.#visemes.visemeAt(this.#player.itemId, this.#player.playedMs()) : 0));
    connection.onTraffic((direction, event, atMs) => views.log.add(direction, event, atMs));
    this.#listen();
  }

  /** Configures the session; the face and the playback status start following the audio. */
  start(settings) {
    const update = sessionUpdate(settings);
    this.#speechInterrupts = update.session.audio.input.turn_detection?.interrupt_response ?? false;
    this.#connection.send(update);
    this.#face.start();
    this.#statusTimer = setInterval(() => this.#showPlayback(), STATUS_INTERVAL_MS);
  }

  /** Streams the microphone to the server; resolves with the device's name. */
  async openMicrophone({ echoCancellation, muted }) {
    this.#mic = await Microphone.open(this.#context, {
      targetRate: AUDIO_RATE,
      echoCancellation,
      onAudio: (audio) => this.#connection.send({ type: 'input_audio_buffer.append', audio }),
      onLevel: (peak) => this.#views.level.style.setProperty('--level', Math.min(1, peak * 2).toFixed(2)),
    });
    this.#mic.muted = muted;
    if (this.#hungUp) this.#mic.close();
    return this.#mic.label;
  }

  send(event) {
    this.#connection.send(event);
  }

  set muted(muted) {
    if (this.#mic) this.#mic.muted = muted;
  }

  /** Ends the user's turn by hand (turn detection off). */
  commitTurn() {
    this.#connection.send({ type: 'input_audio_buffer.commit' });
    this.#connection.send({ type: 'response.create' });
  }

  /** A typed message interrupts whatever is being said, then asks for an answer. */
  say(text) {
    this.#bargeIn();
    if (this.#responseActive) this.#connection.send({ type: 'response.cancel' });
    this.#connection.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    this.#connection.send({ type: 'response.create' });
  }

  hangUp() {
    this.#hungUp = true;
    clearInterval(this.#statusTimer);
    this.#mic?.close();
    this.#face.stop();
    this.#player.stop();
    this.#connection.close();
    void this.#context.close();
  }

  #bargeIn() {
    const cut = this.#player.stop();
    if (!cut || (cut.playedMs >= cut.receivedMs && !this.#responseActive)) return;
    this.#cutItems.add(cut.itemId);
    this.#connection.send({ type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: cut.playedMs });
  }

  #showPlayback() {
    const { playback } = this.#views;
    const played = Math.round(this.#player.itemId ? this.#player.playedMs() : 0);
    const received = Math.round(this.#player.receivedMs);
    playback.dataset.state = this.#player.playing ? 'playing' : 'idle';
    if (this.#player.itemId) {
      playback.dataset.playedMs = String(played);
      playback.dataset.receivedMs = String(received);
      playback.textContent = `${this.#player.playing ? 'playing' : 'played'} ${played} of ${received} ms`;
    }
  }

  #listen() {
    const on = (type, handler) => this.#connection.on(type, handler);
    const { transcripts, latency, tools, showError } = this.#views;
    on('response.created', () => (this.#responseActive = true));
    on('response.done', () => (this.#responseActive = false));
    on('error', (e) => showError(`${e.error?.code ?? 'error'}: ${e.error?.message ?? ''}`));

    on('input_audio_buffer.speech_started', () => {
      latency.speechStarted();
      if (this.#speechInterrupts) this.#bargeIn();
    });
    on('input_audio_buffer.speech_stopped', (_e, at) => latency.speechStopped(at));

    on('conversation.item.added', ({ item }) => {
      if (item.type !== 'message' || item.role === 'system') return;
      transcripts.open(item.id, item.role);
      const typed = item.content?.find((part) => part.type === 'input_text');
      if (typed) transcripts.settle(item.id, item.role, typed.text);
    });
    on('conversation.item.input_audio_transcription.delta', (e) => transcripts.append(e.item_id, 'user', e.delta));
    on('conversation.item.input_audio_transcription.completed', (e) => transcripts.settle(e.item_id, 'user', e.transcript));
    on('conversation.item.input_audio_transcription.failed', (e) => transcripts.note(e.item_id, 'user', `not transcribed: ${e.error?.message ?? ''}`));
    on('response.output_audio_transcript.delta', (e) => transcripts.append(e.item_id, 'assistant', e.delta));
    on('response.output_audio_transcript.done', (e) => transcripts.settle(e.item_id, 'assistant', e.transcript));
    on('response.output_text.delta', (e) => transcripts.append(e.item_id, 'assistant', e.delta));
    on('response.output_text.done', (e) => transcripts.settle(e.item_id, 'assistant', e.text));
    on('conversation.item.truncated', (e) => transcripts.note(e.item_id, 'assistant', `interrupted: heard ${e.audio_end_ms} ms`));

    on('response.output_audio.delta', (e, at) => {
      if (this.#cutItems.has(e.item_id)) return;
      latency.firstAudio(at);
      this.#player.enqueue(e.item_id, e.delta);
    });
    on('response.animation_viseme.delta', (e) => this.#visemes.add(e.item_id, e.audio_offset_ms, e.viseme_id));

    on('response.output_item.added', ({ item }) => item.type === 'mcp_call' && tools.mcpCall(item, 'called'));
    on('response.output_item.done', ({ item }) => {
      if (item.type === 'function_call') tools.functionCall(item);
      if (item.type === 'mcp_call') tools.mcpCall(item, item.error ? 'failed' : 'done');
    });
    on('conversation.item.done', ({ item }) => item.type === 'mcp_approval_request' && tools.approvalRequest(item));
  }
}
