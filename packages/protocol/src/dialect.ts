/**
 * The three wire dialects Parley speaks. The session inside the server speaks one canonical
 * vocabulary (GA event names, GA nested session, plus the Voice Live extensions); a dialect
 * codec at the edge renames and reshapes.
 *
 * - `ga`: OpenAI Realtime GA (`/v1/realtime`, `/openai/v1/realtime`).
 * - `beta`: the older OpenAI beta protocol (`OpenAI-Beta: realtime=v1`, the
 *   `openai-beta.realtime-v1` subprotocol, or Azure's `/openai/realtime?api-version=…`).
 * - `voicelive`: Azure AI Voice Live (`/voice-live/realtime`): beta-style names, flat session,
 *   plus its extensions (warnings, word timestamps, visemes, blendshapes, search calls).
 */
export type Dialect = 'ga' | 'beta' | 'voicelive';

export const DIALECTS: readonly Dialect[] = ['ga', 'beta', 'voicelive'];
