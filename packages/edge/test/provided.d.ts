// What the global setup (Node) provides to the tests (workerd).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamUrl: string
  }
}
