/**
 * @module validate — request bodies checked the way FastAPI with pydantic v1 does it, so the
 * emulator answers bad input with the same `422 {"detail":[{loc, msg, type}]}` bodies.
 */

/** One pydantic v1 error. */
export interface FieldError {
  loc: (string | number)[]
  msg: string
  type: string
}

/** Raised with every error of a body at once, as pydantic reports them. */
export class ValidationError extends Error {
  override name = 'ValidationError'
  readonly detail: FieldError[]
  constructor(detail: FieldError[]) {
    super(detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '))
    this.detail = detail
  }
}

type Kind = 'str' | 'float' | 'bool' | 'float_list' | 'float_matrix'

/** A field: its kind, and its default when it may be left out. */
export interface FieldSpec {
  kind: Kind
  default?: unknown
  /** Inclusive bounds of a float. */
  ge?: number
  le?: number
}

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes'])
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no'])

function coerceFloat(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value)
  return undefined
}

function coerce(
  value: unknown,
  spec: FieldSpec,
  loc: (string | number)[],
  errors: FieldError[],
): unknown {
  switch (spec.kind) {
    case 'str':
      // pydantic v1 turns numbers into strings but nothing else.
      if (typeof value === 'string') return value
      if (typeof value === 'number') return String(value)
      errors.push({ loc, msg: 'str type expected', type: 'type_error.str' })
      return undefined
    case 'float': {
      const n = coerceFloat(value)
      if (n === undefined) {
        errors.push({ loc, msg: 'value is not a valid float', type: 'type_error.float' })
        return undefined
      }
      if (spec.ge !== undefined && n < spec.ge) {
        errors.push({
          loc,
          msg: `ensure this value is greater than or equal to ${spec.ge}`,
          type: 'value_error.number.not_ge',
        })
      } else if (spec.le !== undefined && n > spec.le) {
        errors.push({
          loc,
          msg: `ensure this value is less than or equal to ${spec.le}`,
          type: 'value_error.number.not_le',
        })
      }
      return n
    }
    case 'bool':
      if (typeof value === 'boolean') return value
      if (value === 0 || value === 1) return value === 1
      if (typeof value === 'string' && TRUE.has(value.toLowerCase())) return true
      if (typeof value === 'string' && FALSE.has(value.toLowerCase())) return false
      errors.push({ loc, msg: 'value could not be parsed to a boolean', type: 'type_error.bool' })
      return undefined
    case 'float_list':
    case 'float_matrix': {
      if (!Array.isArray(value)) {
        errors.push({ loc, msg: 'value is not a valid list', type: 'type_error.list' })
        return undefined
      }
      const inner: FieldSpec = { kind: spec.kind === 'float_matrix' ? 'float_list' : 'float' }
      return value.map((item, i) => coerce(item, inner, [...loc, i], errors))
    }
  }
}

/**
 * Checks a parsed JSON body against a model; throws `ValidationError` with all problems.
 *
 * @example
 * const input = validateBody(json, { text: { kind: 'str' }, add_wav_header: { kind: 'bool', default: true } })
 */
export function validateBody<T>(body: unknown, model: Record<string, FieldSpec>): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([
      { loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' },
    ])
  }
  const errors: FieldError[] = []
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(model)) {
    const value = (body as Record<string, unknown>)[name]
    if (value === undefined || value === null) {
      if ('default' in spec) out[name] = spec.default
      else errors.push({ loc: ['body', name], msg: 'field required', type: 'value_error.missing' })
      continue
    }
    out[name] = coerce(value, spec, ['body', name], errors)
  }
  if (errors.length > 0) throw new ValidationError(errors)
  return out as T
}

/**
 * Parses a JSON body, failing as FastAPI does on malformed JSON.
 *
 * @example
 * const json = parseJsonBody(bytes)
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes)
  try {
    return JSON.parse(text)
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : 'Expecting value'
    throw new ValidationError([{ loc: ['body', 0], msg: message, type: 'value_error.jsondecode' }])
  }
}
