// Chromium for the e2e suites and the side-by-side benchmark, with no test runner in it, so a
// plain script (bench/oidcSideBySide.ts) can launch it too.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

/** Debian's Chromium; never a downloaded browser. CHROMIUM_PATH points elsewhere if needed. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const chromiumMissing = !existsSync(chromiumPath)

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A browser profile (a fresh user-data dir): its pages are tabs of one profile. */
export interface Profile {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * Starts headless Chromium with a fresh profile. `launchPersistentContext` is what makes two
 * pages share localStorage, BroadcastChannel and Web Locks, as two tabs of one browser do.
 */
export async function launchProfile(): Promise<Profile> {
  if (chromiumMissing) {
    throw new Error(`no Chromium at ${chromiumPath}: CI must install it (apt-get install chromium, see .ci/run)`)
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'authchart-e2e-profile-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 820 },
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}
