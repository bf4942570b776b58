import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

// `npm run demo:terminal`: the same session story as the browser demo, printed on fake time.
describe('npm run demo:terminal', () => {
  it('runs the terminal scenario to the end, shows each state, and prints no token', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/terminal/demo.ts'], {
      cwd: root,
      timeout: 30_000,
    })
    for (const state of [
      'restoring',
      'unauthenticated',
      'signingIn',
      'authenticated',
      'refreshing.backingOff',
      'expired',
      'signingOut',
    ]) {
      expect(stdout).toContain(state)
    }
    expect(stdout).toContain('event refreshRejected')
    expect(stdout).toContain('each refresh token once: true')
    expect(stdout).not.toMatch(/eyJ|rt-f\d/)
  })
})
