/**
 * The canonical session: the GA nested shape, plus Voice Live's extensions. Audio-related
 * Voice Live fields live where GA puts audio (`input_audio_sampling_rate` becomes
 * `audio.input.format.rate`); the rest keep their Voice Live names at the top level and are
 * absent unless a client set them.
 */
import type {
  Animation,
  Avatar,
  EchoCancellation,
  InputAudioTranscription,
  InterimResponse,
  NoiseReduction,
  Prompt,
  Tool,
  ToolChoice,
  Tracing,
  Truncation,
  TurnDetectionInput,
  VoiceLiveVoiceObject,
} from '../schemas/shared.js';

export type PcmRate = 8000 | 16000 | 24000;

export type AudioFormat = { type: 'audio/pcm'; rate: PcmRate } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/** A format as a client may give it: either part may be missing and is then kept from the session. */
export interface AudioFormatPatch {
  type?: AudioFormat['type'];
  rate?: PcmRate;
}

/** A voice name (OpenAI), `{id}` (GA custom voices) or a Voice Live voice object. */
export type Voice = string | { id: string } | VoiceLiveVoiceObject;

/** `audio` means audio with its transcript; `text` means text only. Voice Live adds the other two. */
export type OutputModality = 'audio' | 'text' | 'animation' | 'avatar';

export type TurnDetection = TurnDetectionInput;

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface AudioInputConfig {
  format: AudioFormat;
  noise_reduction: NoiseReduction | null;
  transcription: InputAudioTranscription | null;
  turn_detection: TurnDetection | null;
  echo_cancellation: EchoCancellation | null;
}

export interface AudioOutputConfig {
  format: AudioFormat;
  voice: Voice;
  speed: number;
}

export interface SessionConfig {
  type: 'realtime' | 'transcription';
  model: string;
  instructions: string;
  output_modalities: OutputModality[];
  audio: { input: AudioInputConfig; output: AudioOutputConfig };
  include: string[] | null;
  max_output_tokens: number | 'inf';
  tools: Tool[];
  tool_choice: ToolChoice;
  tracing: Tracing | null;
  truncation: Truncation;
  prompt: Prompt | null;
  /** Beta and Voice Live only; GA has no temperature and never sees it. */
  temperature: number;
  reasoning?: { effort?: ReasoningEffort | null } | null;
  parallel_tool_calls?: boolean;
  // Voice Live extensions.
  output_audio_timestamp_types?: 'word'[];
  animation?: Animation;
  avatar?: Avatar | null;
  interim_response?: InterimResponse | null;
  reasoning_effort?: ReasoningEffort;
  metadata?: Record<string, string> | null;
}

/** The session object in `session.created` / `session.updated`. */
export interface SessionObject extends SessionConfig {
  id: string;
  object: 'realtime.session';
  /** Unix seconds. */
  expires_at: number;
}

/**
 * What one `session.update` changes. Only `audio`, `audio.input` and `audio.output` merge
 * field by field; every other value (tools, turn_detection, …) replaces the old one whole.
 */
export interface SessionPatch extends Partial<Omit<SessionConfig, 'audio'>> {
  audio?: {
    input?: Partial<Omit<AudioInputConfig, 'format'>> & { format?: AudioFormatPatch };
    output?: Partial<Omit<AudioOutputConfig, 'format'>> & { format?: AudioFormatPatch };
  };
}
