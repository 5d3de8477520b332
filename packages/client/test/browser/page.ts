// The test page's module: the browser entry of @tts/client, exposed to `page.evaluate`.
import * as client from '../../src/index.ts'

;(globalThis as { ttsClient?: typeof client }).ttsClient = client
document.title = 'ready'
