/**
 * @module xtts-emulator — an XTTS-v2 compatible server (xtts-streaming-server's API plus
 * OpenAI's `/v1/audio/speech`) that speaks with espeak-ng and behaves like a GPU server:
 * time to first byte, real-time factor, one synthesis at a time, faults on demand.
 */
export { createWorkerEngine, type WorkerEngine } from './engine/index.ts'
export {
  type Faults,
  FaultsError,
  mergeFaults,
  NO_FAULTS,
  type RateLimitFault,
} from './faults/index.ts'
export {
  type Emulator,
  type EmulatorOptions,
  startEmulator,
  XTTS_LANGUAGE_LIST,
} from './server/index.ts'
export { chunkSchedule, type LatencyModel, nextDue } from './server/pacing.ts'
export { STUDIO_SPEAKERS_MODES, type StudioSpeakersMode } from './server/studio.ts'
export { GARBAGE_BODY } from './server/synthesis.ts'
export {
  latentsFromSeed,
  OPENAI_VOICES,
  type SpeakerLatents,
  studioSpeakers,
  type VoiceParams,
  voiceForLatents,
} from './speakers/index.ts'
export {
  REAL_LATENT_ROWS,
  REAL_STUDIO_SPEAKER_NAMES,
  realStudioSpeakersJson,
} from './speakers/real.ts'
export type { EmulatorStats } from './stats/index.ts'
