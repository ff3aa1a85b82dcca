/**
 * The ceiling: a bare `ws` server that does only what no realtime server can skip. It accepts
 * the same connections (same `ws` options as Parley's endpoint), parses every frame as JSON and
 * base64-decodes the audio, and answers `session.update`. To be measured like Parley, it sends
 * `input_audio_buffer.speech_stopped` after the same append as Parley's VAD would (the byte
 * counts are given: see calibrate.js), with the same `audio_end_ms`. No VAD, no session, no
 * responses.
 *
 *   fork('ceiling-server.js', [JSON.stringify({ loopBytes, chunkBytes, triggerChunk, audioEndMs, firstLoop, loopMs })])
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const turns = JSON.parse(process.argv[2]);

/** Bytes of audio after which loop `loop`'s turn ends, and its `audio_end_ms`. */
function turnEnd(loop) {
  const first = loop === 0 ? turns.firstLoop : turns;
  return { bytes: loop * turns.loopBytes + (first.triggerChunk + 1) * turns.chunkBytes, audioEndMs: loop * turns.loopMs + first.audioEndMs };
}

const http = createServer((req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 24 * 1024 * 1024 });
http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => serve(ws)));

function serve(ws) {
  let received = 0;
  let loop = 0;
  let next = turnEnd(0);
  ws.send(JSON.stringify({ type: 'session.created', event_id: 'event_0', session: {} }));
  ws.on('message', (data) => {
    const event = JSON.parse(data.toString('utf8'));
    if (event.type === 'input_audio_buffer.append') {
      received += Buffer.from(event.audio, 'base64').length;
      while (received >= next.bytes) {
        ws.send(JSON.stringify({ type: 'input_audio_buffer.speech_stopped', event_id: `event_${loop + 1}`, item_id: `item_${loop}`, audio_end_ms: next.audioEndMs }));
        next = turnEnd(++loop);
      }
    } else if (event.type === 'session.update') {
      ws.send(JSON.stringify({ type: 'session.updated', event_id: 'event_u', session: event.session }));
    }
  });
}

http.listen(0, '127.0.0.1', () => process.send({ type: 'listening', url: `ws://127.0.0.1:${http.address().port}/v1/realtime` }));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  http.close(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'stop') stop();
  if (message === 'gc') globalThis.gc?.(), process.send({ type: 'gc-done' });
});
process.on('disconnect', stop);
