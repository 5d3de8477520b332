import { describe, expect, it } from 'vitest'
import { parseJsonBody, ValidationError, validateBody } from './index.ts'

const model = {
  text: { kind: 'str' as const },
  speaker_embedding: { kind: 'float_list' as const },
  gpt_cond_latent: { kind: 'float_matrix' as const },
  add_wav_header: { kind: 'bool' as const, default: true },
  stream_chunk_size: { kind: 'str' as const, default: '20' },
  speed: { kind: 'float' as const, default: 1, ge: 0.25, le: 4 },
}

function detail(fn: () => unknown) {
  try {
    fn()
  } catch (e) {
    if (e instanceof ValidationError) return e.detail
    throw e
  }
  throw new Error('expected a ValidationError')
}

describe('validateBody', () => {
  it('applies defaults and pydantic v1 coercions', () => {
    const out = validateBody(
      {
        text: 'hi',
        speaker_embedding: [1, '2.5'],
        gpt_cond_latent: [[0]],
        stream_chunk_size: 40,
        add_wav_header: 'no',
      },
      model,
    )
    expect(out).toEqual({
      text: 'hi',
      speaker_embedding: [1, 2.5],
      gpt_cond_latent: [[0]],
      add_wav_header: false,
      stream_chunk_size: '40',
      speed: 1,
    })
  })

  it('reports every problem with its location', () => {
    expect(
      detail(() =>
        validateBody(
          { speaker_embedding: [1, 'x'], gpt_cond_latent: [1], text: {}, speed: 9 },
          model,
        ),
      ),
    ).toEqual([
      { loc: ['body', 'text'], msg: 'str type expected', type: 'type_error.str' },
      {
        loc: ['body', 'speaker_embedding', 1],
        msg: 'value is not a valid float',
        type: 'type_error.float',
      },
      {
        loc: ['body', 'gpt_cond_latent', 0],
        msg: 'value is not a valid list',
        type: 'type_error.list',
      },
      {
        loc: ['body', 'speed'],
        msg: 'ensure this value is less than or equal to 4',
        type: 'value_error.number.not_le',
      },
    ])
    expect(detail(() => validateBody({}, { text: { kind: 'str' } }))).toEqual([
      { loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' },
    ])
    expect(detail(() => validateBody([], model))[0]?.type).toBe('type_error.dict')
  })

  it('fails malformed JSON as FastAPI does', () => {
    expect(detail(() => parseJsonBody(new TextEncoder().encode('{oops')))[0]).toMatchObject({
      loc: ['body', 0],
      type: 'value_error.jsondecode',
    })
  })
})
