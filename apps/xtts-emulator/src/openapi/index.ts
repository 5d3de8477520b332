/**
 * @module openapi — the emulator's `/openapi.json`. Its title is the real server's,
 * "XTTS Streaming server", because gateways detect the upstream type from it.
 */

const latents = {
  speaker_embedding: { title: 'Speaker Embedding', type: 'array', items: { type: 'number' } },
  gpt_cond_latent: {
    title: 'Gpt Cond Latent',
    type: 'array',
    items: { type: 'array', items: { type: 'number' } },
  },
}

const validationError = {
  '422': {
    description: 'Validation Error',
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } },
    },
  },
}

/**
 * A body of the real server's synthesis endpoints: `/tts` takes exactly these fields
 * (TTSInputs), `/tts_stream` the same plus its streaming options (StreamingInputs).
 */
function synthesisInputs(title: string, extra: Record<string, object> = {}) {
  return {
    title,
    type: 'object',
    required: ['speaker_embedding', 'gpt_cond_latent', 'text', 'language'],
    properties: {
      ...latents,
      text: { title: 'Text', type: 'string' },
      language: { title: 'Language', type: 'string' },
      ...extra,
    },
  }
}

function jsonBody(ref: string) {
  return {
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
    required: true,
  }
}

/** The OpenAPI document. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'XTTS Streaming server',
    description: 'XTTS Streaming server (emulated with espeak-ng for development and tests)',
    version: '0.0.1',
  },
  paths: {
    '/clone_speaker': {
      post: {
        summary: 'Predict Speaker',
        description: 'Compute conditioning inputs from reference audio file.',
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: { $ref: '#/components/schemas/Body_predict_speaker_clone_speaker_post' },
            },
          },
          required: true,
        },
        responses: {
          '200': {
            description: 'Successful Response',
            content: { 'application/json': { schema: {} } },
          },
          ...validationError,
        },
      },
    },
    '/tts_stream': {
      post: {
        summary: 'Predict Streaming Endpoint',
        requestBody: jsonBody('StreamingInputs'),
        responses: {
          '200': { description: 'Successful Response', content: { 'audio/wav': {} } },
          ...validationError,
        },
      },
    },
    '/tts': {
      post: {
        summary: 'Predict Speech',
        requestBody: jsonBody('TTSInputs'),
        responses: {
          '200': {
            description: 'Base64 of a WAV file, as a JSON string',
            content: { 'application/json': { schema: { type: 'string' } } },
          },
          ...validationError,
        },
      },
    },
    '/studio_speakers': {
      get: {
        summary: 'Get Speakers',
        responses: { '200': { description: 'Successful Response' } },
      },
    },
    '/languages': {
      get: {
        summary: 'Get Languages',
        responses: { '200': { description: 'Successful Response' } },
      },
    },
    '/v1/audio/speech': {
      post: {
        summary: 'OpenAI-compatible speech',
        requestBody: jsonBody('SpeechInputs'),
        responses: {
          '200': { description: 'Audio', content: { 'audio/wav': {}, 'audio/pcm': {} } },
          ...validationError,
        },
      },
    },
  },
  components: {
    schemas: {
      Body_predict_speaker_clone_speaker_post: {
        title: 'Body_predict_speaker_clone_speaker_post',
        type: 'object',
        required: ['wav_file'],
        properties: { wav_file: { title: 'Wav File', type: 'string', format: 'binary' } },
      },
      StreamingInputs: synthesisInputs('StreamingInputs', {
        add_wav_header: { title: 'Add Wav Header', type: 'boolean', default: true },
        stream_chunk_size: { title: 'Stream Chunk Size', type: 'string', default: '20' },
      }),
      TTSInputs: synthesisInputs('TTSInputs'),
      SpeechInputs: {
        title: 'SpeechInputs',
        type: 'object',
        required: ['input'],
        properties: {
          model: { type: 'string', default: 'tts-1' },
          input: { type: 'string' },
          voice: { type: 'string', default: 'alloy' },
          response_format: { type: 'string', enum: ['wav', 'pcm'], default: 'wav' },
          speed: { type: 'number', minimum: 0.25, maximum: 4, default: 1 },
          language: { type: 'string', default: 'en' },
        },
      },
      HTTPValidationError: {
        title: 'HTTPValidationError',
        type: 'object',
        properties: {
          detail: {
            title: 'Detail',
            type: 'array',
            items: { $ref: '#/components/schemas/ValidationError' },
          },
        },
      },
      ValidationError: {
        title: 'ValidationError',
        type: 'object',
        required: ['loc', 'msg', 'type'],
        properties: {
          loc: {
            title: 'Location',
            type: 'array',
            items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
          },
          msg: { title: 'Message', type: 'string' },
          type: { title: 'Error Type', type: 'string' },
        },
      },
    },
  },
} as const
