/**
 * @module problem/validation — turns zod validation failures into one `invalid_request`
 * problem whose message names each wrong field and what it allows.
 */
import type { ZodError } from 'zod'
import { ProblemError } from './index.ts'

/**
 * The problem for a failed validation of `target` (json, query, param, form).
 *
 * @example
 * if (!result.success) throw validationProblem(result.error, result.target)
 */
export function validationProblem(error: ZodError, target: string): ProblemError {
  const errors = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : target,
    message: issue.message,
  }))
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
  return new ProblemError('invalid_request', `the request ${target} is invalid — ${summary}`, {
    details: { errors },
    ...(errors[0] === undefined ? {} : { param: errors[0].field }),
  })
}
