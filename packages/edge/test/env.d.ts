// Bindings only the test run has (vitest.config.ts): fresh API keys and a second key ring.
declare namespace Cloudflare {
  interface Env {
    TEST_KEYS: string
    TEST_OTHER_RING: string
    TOKEN_KEYS: string
  }
}
