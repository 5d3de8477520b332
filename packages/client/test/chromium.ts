/**
 * @module test/chromium — the repo's one Chromium launcher (scripts/chromium.mjs), for the
 * client's browser tests.
 */
export { CHROMIUM, launchChromium } from '../../../scripts/chromium.mjs'
