/**
 * @module faults/card — the dev-only card that takes the emulator down or makes it slow: its
 * radio buttons apply a preset, and the card shows what the emulator says its faults are.
 */
import { applyFaultPreset, FAULTS_PATH, type FaultPreset, presetOf } from './index.ts'

/**
 * Shows the card and wires its radios; `onChange` runs after each preset is applied.
 *
 * @example
 * mountFaultsCard(document.querySelector('#faults-card')!, document.querySelector('#faults-status')!, refresh)
 */
export function mountFaultsCard(card: HTMLElement, status: Element, onChange: () => void): void {
  card.hidden = false
  const radios = [...card.querySelectorAll<HTMLInputElement>('input[name="fault"]')]
  const show = (state: Record<string, unknown>) => {
    const preset = presetOf(state)
    for (const r of radios) r.checked = r.value === preset
    status.textContent =
      preset === 'other'
        ? 'Emulator faults were set elsewhere.'
        : `Emulator: ${preset === 'none' ? 'healthy' : preset}.`
  }
  fetch(FAULTS_PATH)
    .then((res) => res.json())
    .then(show, () => {
      status.textContent = 'The emulator does not answer.'
    })
  for (const radio of radios) {
    radio.addEventListener('change', async () => {
      try {
        show(await applyFaultPreset(radio.value as FaultPreset))
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error)
      }
      onChange()
    })
  }
}
