/**
 * @module player/context — the page's one `AudioContext` for the client's streaming player,
 * made and resumed inside the Play click: browsers let a context sound only after a user
 * gesture, and the first audio of a miss arrives after the click's handler has returned.
 */

/**
 * Returns a function that gives the shared context, resuming it if suspended. Call it once in
 * the click handler, and hand it to `webAudioStreamPlayer({ context })`.
 *
 * @example
 * const context = gestureAudioContext()
 * button.onclick = () => { context(); void tts.speak(text) }
 */
export function gestureAudioContext(): () => AudioContext {
  let context: AudioContext | undefined
  return () => {
    context ??= new AudioContext({ latencyHint: 'interactive' })
    if (context.state === 'suspended') void context.resume()
    return context
  }
}
