/**
 * @module audio — WAV parse/write (16-bit PCM and 32-bit float, sized and streamed headers),
 * 16-bit samples ↔ s16le bytes, PCM joining, durations and validation of upstream audio, speed
 * and pitch changes (WSOLA + resampling, streaming) and an F0 estimate, over `DataView` and
 * typed arrays only so it runs in Workers, browsers and Node.
 */
export { AudioError, type AudioErrorReason, isAudioError } from './errors.ts'
export { type EstimateF0Options, estimateF0 } from './f0.ts'
export {
  type AudioFormat,
  assertFormat,
  bytesPerSample,
  CHANNELS_RANGE,
  describeFormat,
  durationMs,
  frameBytes,
  type PcmAudio,
  SAMPLE_RATE_RANGE,
  type SampleEncoding,
  XTTS_BITS_PER_SAMPLE,
  XTTS_CHANNELS,
  XTTS_FORMAT,
  XTTS_SAMPLE_RATE,
} from './format.ts'
export {
  concatPcm,
  concatSamples,
  type JoinedPcm,
  pcm16FromBytes,
  pcm16ToBytes,
  toPcm16,
} from './pcm.ts'
export { createStreamResampler, type StreamResampler } from './stretch-resample.ts'
export {
  createTimeScale,
  isIdentityScale,
  PITCH_RANGE,
  SPEED_RANGE,
  type TimeScale,
  type TimeScaleOptions,
  timeScalePcm,
} from './time-scale.ts'
export {
  type AudioReport,
  DURATION_BOUNDS,
  plausibleDurationMs,
  SILENCE_PEAK,
  type ValidateAudioOptions,
  validateAudio,
} from './validate.ts'
export { type ParsedWav, parseWav } from './wav.ts'
export {
  type StreamedWavSizes,
  type StreamingWavHeaderOptions,
  streamingWavHeader,
  WAV_HEADER_BYTES,
  type WavHeaderOptions,
  wavFromPcmBytes,
  wavHeader,
  writeWav,
} from './wav-write.ts'

export { createWsola, type Wsola, type WsolaOptions } from './wsola.ts'
