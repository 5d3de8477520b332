/** Polls `url` until it answers below 500 (every `everyMs`, default 250), else throws. */
export function waitForHttp(
  url: string,
  timeoutMs: number,
  options?: { name?: string; everyMs?: number },
): Promise<void>
