/** The input audio buffer's bookkeeping: how much audio it holds, in the session's format. */
import { describe, expect, it } from 'vitest';
import { bytesPerMs, InputAudioBuffer } from '../../src/session/input-audio-buffer.js';

describe('bytesPerMs', () => {
  it('is 2 bytes per sample for PCM16 at its rate, and 8 for G.711 (8 kHz, 1 byte a sample)', () => {
    expect(bytesPerMs({ type: 'audio/pcm', rate: 24000 })).toBe(48);
    expect(bytesPerMs({ type: 'audio/pcm', rate: 16000 })).toBe(32);
    expect(bytesPerMs({ type: 'audio/pcm', rate: 8000 })).toBe(16);
    expect(bytesPerMs({ type: 'audio/pcmu' })).toBe(8);
    expect(bytesPerMs({ type: 'audio/pcma' })).toBe(8);
  });
});

describe('InputAudioBuffer', () => {
  it('counts whole milliseconds of what was appended', () => {
    const b = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 });
    b.append(Buffer.alloc(4800)); // 100 ms
    b.append(Buffer.alloc(47)); // not yet another ms
    expect(b.byteLength).toBe(4847);
    expect(b.durationMs).toBe(100);
  });

  it('take() returns everything in order and empties the buffer', () => {
    const b = new InputAudioBuffer({ type: 'audio/pcmu' });
    b.append(Buffer.from([1, 2]));
    b.append(Buffer.alloc(0));
    b.append(Buffer.from([3]));
    expect([...b.take()]).toEqual([1, 2, 3]);
    expect(b.byteLength).toBe(0);
    expect(b.durationMs).toBe(0);
  });

  it('clear() drops the audio', () => {
    const b = new InputAudioBuffer({ type: 'audio/pcm', rate: 16000 });
    b.append(Buffer.alloc(3200));
    b.clear();
    expect(b.durationMs).toBe(0);
  });

  it('drops buffered audio when the format changes, and measures new audio in the new format', () => {
    const b = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 });
    b.append(Buffer.alloc(4800));
    b.setFormat({ type: 'audio/pcmu' });
    expect(b.byteLength).toBe(0);
    b.append(Buffer.alloc(800));
    expect(b.durationMs).toBe(100);
  });

  it('keeps buffered audio when the format is set to the one it has', () => {
    const b = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 });
    b.append(Buffer.alloc(4800));
    b.setFormat({ type: 'audio/pcm', rate: 24000 });
    expect(b.durationMs).toBe(100);
    b.setFormat({ type: 'audio/pcm', rate: 16000 });
    expect(b.durationMs).toBe(0);
  });
});
