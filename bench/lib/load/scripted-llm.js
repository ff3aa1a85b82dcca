/**
 * A tiny OpenAI-compatible chat-completions server that answers every request with the same
 * streamed text (SSE), at once or `tokenMs` apart: an LLM whose first token costs ~0 by
 * construction. It runs in the orchestrating process, so its CPU is neither the server's nor
 * the load generator's. `firstTokenMs` holds, per request, the time from the request's last
 * byte to the first token's write: the "LLM first token" taken off the server's overhead.
 */
import { createServer } from 'node:http';

export const ANSWER = 'Sure, it is sunny in Paris today.';

const chunk = (delta, finish = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function startScriptedLlm({ answer = ANSWER, tokenMs = 0 } = {}) {
  const tokens = answer.match(/\S+\s*/g).map((t, i) => (i === 0 ? t.trimEnd() : ` ${t.trimEnd()}`));
  const firstTokenMs = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const arrived = performance.now();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const [i, token] of tokens.entries()) {
        if (i > 0 && tokenMs > 0) await new Promise((r) => setTimeout(r, tokenMs));
        if (res.destroyed) return;
        res.write(chunk(i === 0 ? { role: 'assistant', content: token } : { content: token }));
        if (i === 0) firstTokenMs.push(performance.now() - arrived);
      }
      res.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    answer,
    firstTokenMs,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
