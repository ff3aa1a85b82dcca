/** WAV files for the CLI tests, written and read here byte by byte (not with the code under test). */

/** `mono` as a PCM WAV of `channels` identical channels at `sampleRate`, `bits` per sample (16, or 8 to make a file the CLI must refuse). */
export function wavFile(mono: Int16Array, sampleRate: number, channels = 1, bits: 8 | 16 = 16): Buffer {
  const bytesPerSample = bits / 8;
  const dataBytes = mono.length * channels * bytesPerSample;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * bytesPerSample, 28);
  out.writeUInt16LE(channels * bytesPerSample, 32);
  out.writeUInt16LE(bits, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  let at = 44;
  for (const sample of mono) {
    for (let c = 0; c < channels; c++) {
      if (bits === 16) out.writeInt16LE(sample, at);
      else out.writeUInt8((sample >> 8) + 128, at);
      at += bytesPerSample;
    }
  }
  return out;
}

export interface WavHeader {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  /** The data chunk's bytes. */
  data: Buffer;
}

/** The canonical 44-byte header and the data after it; throws if the file is not laid out so. */
export function readCanonicalWav(file: Buffer): WavHeader {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE' || file.toString('ascii', 12, 16) !== 'fmt ' || file.toString('ascii', 36, 40) !== 'data') {
    throw new Error('not a canonical WAV file');
  }
  const dataBytes = file.readUInt32LE(40);
  if (file.readUInt32LE(4) !== 36 + dataBytes || file.length !== 44 + dataBytes) throw new Error('the WAV sizes do not add up');
  return { format: file.readUInt16LE(20), channels: file.readUInt16LE(22), sampleRate: file.readUInt32LE(24), bits: file.readUInt16LE(34), data: file.subarray(44) };
}
