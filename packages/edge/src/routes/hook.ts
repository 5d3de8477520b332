/**
 * @module routes/hook — the zod-openapi validation hook shared by every route.
 */
import type { ZodError } from 'zod'
import { validationProblem } from '../problem/validation.ts'

/** Throws an `invalid_request` problem when validation failed. */
export function validationHook(result: {
  success: boolean
  target: string
  error?: ZodError
}): undefined {
  if (!result.success && result.error) throw validationProblem(result.error, result.target)
  return undefined
}
