/**
 * A scripted OpenAI-compatible `/v1/audio/transcriptions` server for tests, on 127.0.0.1:0. It
 * parses each request's `multipart/form-data` body itself (the form fields, and the uploaded
 * WAV file down to its samples), records it, and answers with the next queued script: a
 * transcript (`json`, or `verbose_json` with words when the request asked for it), an HTTP
 * error, a body that is not JSON, a connection that hangs or is cut. With no script queued it
 * asks `transcriber` (default: an empty transcript). It records whether the client hung up
 * before the answer, so tests can check that aborting closed the request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listener } from './listener.js';

export interface WireWord {
  word: string;
  start: number;
  end: number;
  probability?: number;
}

export interface Transcript {
  text: string;
  words?: WireWord[];
}

export interface TranscriptionScript {
  /** The transcript to answer with, or a function of the request. */
  transcript?: Transcript | ((request: RecordedTranscriptionRequest) => Transcript);
  /** Wait this long before answering, ms. */
  delayMs?: number;
  /** Answer with this status and body instead. */
  status?: number;
  body?: string;
  /** Answer 200 with this body and content type, verbatim. */
  raw?: { body: string; contentType: string };
  /** Never answer. */
  neverAnswer?: boolean;
  /** Read the request, then cut the connection without answering. */
  hangUp?: boolean;
}

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export interface ParsedWav {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** The RIFF size field, and the data chunk's declared size. */
  riffSize: number;
  dataSize: number;
  samples: Int16Array;
}

export interface RecordedTranscriptionRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Every part of the form, in order. */
  parts: FormPart[];
  /** The text fields; a name sent several times (`timestamp_granularities[]`) keeps every value. */
  fields: Record<string, string[]>;
  /** The `file` part, parsed as a WAV file (undefined if there was none or it is not one). */
  wav?: ParsedWav;
  file?: FormPart;
  /** Resolves when the client closed the connection before the answer ended. */
  aborted: Promise<void>;
  wasAborted: boolean;
}

export interface ScriptedTranscriptions {
  /** Base URL to give the engine: `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: RecordedTranscriptionRequest[];
  /** Resolves with the `n`th request (0-based) once it has arrived. */
  request(n: number): Promise<RecordedTranscriptionRequest>;
  enqueue(...scripts: TranscriptionScript[]): void;
  /** Answers requests when no script is queued. */
  transcriber: (request: RecordedTranscriptionRequest) => Transcript;
  /** Closes the listener and every connection: new requests are refused (ECONNREFUSED). */
  stopListening(): Promise<void>;
  /** Listens again on the same port after `stopListening`. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The parts of a `multipart/form-data` body (RFC 7578), parsed by hand. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]!.trim()}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break; // the closing delimiter
    at += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Error('multipart part without a header end');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part without a closing boundary');
    const part: FormPart = { name: '', data: body.subarray(headerEnd + 4, next) };
    for (const header of headers) {
      const [key, ...rest] = header.split(':');
      const value = rest.join(':').trim();
      if (key!.toLowerCase() === 'content-disposition') {
        part.name = /\bname="([^"]*)"/.exec(value)?.[1] ?? '';
        const filename = /\bfilename="([^"]*)"/.exec(value)?.[1];
        if (filename !== undefined) part.filename = filename;
      } else if (key!.toLowerCase() === 'content-type') {
        part.contentType = value;
      }
    }
    parts.push(part);
    at = next + 2;
  }
  return parts;
}

/** A canonical PCM WAV file's header fields and samples; throws on anything else. */
export function parseWavFile(bytes: Buffer): ParsedWav {
  if (bytes.subarray(0, 4).toString('ascii') !== 'RIFF' || bytes.subarray(8, 12).toString('ascii') !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: Omit<ParsedWav, 'riffSize' | 'dataSize' | 'samples'> | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.subarray(at, at + 4).toString('ascii');
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = { format: bytes.readUInt16LE(at + 8), channels: bytes.readUInt16LE(at + 10), sampleRate: bytes.readUInt32LE(at + 12), bitsPerSample: bytes.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data before fmt');
      const data = bytes.subarray(at + 8, at + 8 + size);
      const samples = new Int16Array(data.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      return { ...fmt, riffSize: bytes.readUInt32LE(4), dataSize: size, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV without a data chunk');
}

function answerBody(request: RecordedTranscriptionRequest, transcript: Transcript): string {
  const format = request.fields.response_format?.[0] ?? 'json';
  if (format !== 'verbose_json') return JSON.stringify({ text: transcript.text });
  const duration = request.wav ? request.wav.samples.length / request.wav.sampleRate : 0;
  const words = (request.fields['timestamp_granularities[]'] ?? []).includes('word') ? transcript.words ?? [] : undefined;
  return JSON.stringify({ task: 'transcribe', language: request.fields.language?.[0] ?? 'english', duration, text: transcript.text, words, segments: [] });
}

export async function startScriptedTranscriptions(): Promise<ScriptedTranscriptions> {
  const queue: TranscriptionScript[] = [];
  const requests: RecordedTranscriptionRequest[] = [];
  const arrived = new Set<() => void>();
  const open = new Set<ServerResponse>();
  const scripted: ScriptedTranscriptions = {
    url: '',
    requests,
    request: (n) =>
      new Promise((resolve) => {
        const check = () => {
          if (requests.length > n) {
            arrived.delete(check);
            resolve(requests[n]!);
          }
        };
        arrived.add(check);
        check();
      }),
    enqueue: (...scripts) => queue.push(...scripts),
    transcriber: () => ({ text: '' }),
    stopListening: () => shutdown(),
    listen: () => listen(port),
    close: () => shutdown(),
  };
  let port = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      open.add(res);
      let resolveAborted!: () => void;
      const recorded: RecordedTranscriptionRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        parts: [],
        fields: {},
        aborted: new Promise<void>((resolve) => (resolveAborted = resolve)),
        wasAborted: false,
      };
      res.on('close', () => {
        open.delete(res);
        if (!res.writableFinished) {
          recorded.wasAborted = true;
          resolveAborted();
        }
      });
      try {
        recorded.parts = parseMultipart(Buffer.concat(chunks), req.headers['content-type'] ?? '');
      } catch (err) {
        requests.push(recorded);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `bad multipart body: ${(err as Error).message}` } }));
        for (const wake of [...arrived]) wake();
        return;
      }
      for (const part of recorded.parts) {
        if (part.filename !== undefined) {
          recorded.file ??= part;
          continue;
        }
        (recorded.fields[part.name] ??= []).push(part.data.toString('utf8'));
      }
      if (recorded.file) {
        try {
          recorded.wav = parseWavFile(recorded.file.data);
        } catch {
          // Left undefined: the test sees that the file was not a WAV.
        }
      }
      requests.push(recorded);
      for (const wake of [...arrived]) wake();
      void answer(res, recorded, queue.shift() ?? { transcript: scripted.transcriber });
    });
  });

  async function answer(res: ServerResponse, request: RecordedTranscriptionRequest, script: TranscriptionScript): Promise<void> {
    if (script.neverAnswer) return;
    if (script.hangUp) {
      res.socket?.destroy();
      return;
    }
    if (script.delayMs) await sleep(script.delayMs);
    if (request.wasAborted) return;
    if (script.status) {
      res.writeHead(script.status, { 'content-type': 'application/json' });
      res.end(script.body ?? JSON.stringify({ error: { message: `scripted failure ${script.status}` } }));
      return;
    }
    if (script.raw) {
      res.writeHead(200, { 'content-type': script.raw.contentType });
      res.end(script.raw.body);
      return;
    }
    const transcript = typeof script.transcript === 'function' ? script.transcript(request) : (script.transcript ?? { text: '' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answerBody(request, transcript));
  }

  const { listen, shutdown } = listener(server, open);
  await listen(0);
  port = (server.address() as AddressInfo).port;
  scripted.url = `http://127.0.0.1:${port}/v1`;
  return scripted;
}
