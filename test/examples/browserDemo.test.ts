import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'authchart-demo-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

// The README's demo command is `npm run demo`, which runs examples/demo/main.ts: this starts that
// very entry point as a process, as a newcomer would, on a free port and a scratch data dir.
describe('npm run demo (the browser demo)', () => {
  it('serves the pages and the reference auth server on one origin, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/demo/main.ts', '--port', '0', '--data-dir', dataDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /authchart demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
          if (match?.[1]) resolve(match[1])
        })
        child.on('exit', (code) => reject(new Error(`the demo exited early (${code})`)))
      })
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<script')
      const login = await fetch(new URL('auth/login', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', password: 'lovelace' }),
      })
      expect(login.status).toBe(200)
      expect(Object.keys(await login.json())).toContain('access_token')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  }, 60_000)
})
