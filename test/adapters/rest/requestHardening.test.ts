// The reference server's login and refresh take JSON only, so a cross-site "simple" request (a
// form post, a no-cors fetch with a text body) cannot log a visitor in or spend their refresh
// token; passwords are kept as salted scrypt hashes; the CLI refuses a bad --reuse-interval.
import { spawn } from 'node:child_process'
import { createHash, scrypt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordStore, verifyPassword } from '../../../examples/rest-server/createPasswordStore.js'
import { type RestServer, startRestServer } from '../../../examples/rest-server/startRestServer.js'
import { track } from '../../fixtures/rest/childProcesses.js'
import { ada } from '../../fixtures/rest/restClient.js'

const dataDir = mkdtempSync(join(tmpdir(), 'authchart-rest-hardening-'))
let server: RestServer

beforeAll(async () => {
  server = await startRestServer({ dataDir, log: () => {} })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const post = (path: string, contentType: string | null, body: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: contentType === null ? {} : { 'Content-Type': contentType },
    body,
  })

describe('login and refresh take JSON only', () => {
  const bodies = {
    '/auth/login': { json: JSON.stringify(ada), form: new URLSearchParams(ada).toString() },
    '/auth/refresh': {
      json: JSON.stringify({ refresh_token: 'x' }),
      form: new URLSearchParams({ refresh_token: 'x' }).toString(),
    },
  }

  it.each(Object.keys(bodies) as Array<keyof typeof bodies>)(
    '%s answers 415 to text/plain, form-encoded, multipart and untyped bodies',
    async (path) => {
      const { json, form } = bodies[path]
      const cases: Array<[string | null, string]> = [
        ['text/plain', json],
        ['text/plain;charset=UTF-8', json],
        ['application/x-www-form-urlencoded', form],
        ['multipart/form-data; boundary=x', '--x--'],
        [null, json],
      ]
      for (const [type, body] of cases) {
        const res = await post(path, type, body)
        expect(res.status, `${type}`).toBe(415)
        expect(await res.json()).toMatchObject({
          error: 'invalid_request',
          error_description: 'Content-Type must be application/json',
        })
      }
    },
  )

  it('accepts application/json with a charset', async () => {
    const login = await post('/auth/login', 'application/json; charset=utf-8', JSON.stringify(ada))
    expect(login.status).toBe(200)
    const { refresh_token } = (await login.json()) as { refresh_token: string }
    const refresh = await post('/auth/refresh', 'Application/JSON', JSON.stringify({ refresh_token }))
    expect(refresh.status).toBe(200)
  })
})

describe('the password store', () => {
  it('holds salted scrypt hashes, never the password or its bare SHA-256', async () => {
    const store = await createPasswordStore({ 'Ada@example.com': 'lovelace', 'grace@example.com': 'lovelace' })
    const ada = store.hashes.get('ada@example.com') ?? ''
    const grace = store.hashes.get('grace@example.com') ?? ''
    const parts = ada.split('$')
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1'])
    expect(Buffer.from(parts[4] ?? '', 'base64url')).toHaveLength(16)
    // One salt per user: the same password gives two different hashes.
    expect(grace).not.toBe(ada)
    for (const hash of [ada, grace]) {
      expect(hash).not.toContain('lovelace')
      const sha = createHash('sha256').update('lovelace').digest()
      for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(hash).not.toContain(sha.toString(encoding))
    }
    // It is scrypt itself: node's scrypt with the stored salt and parameters gives the stored hash.
    const derived = await new Promise<Buffer>((resolve, reject) =>
      scrypt(
        'lovelace',
        Buffer.from(parts[4] ?? '', 'base64url'),
        32,
        { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 },
        (error, key) => (error ? reject(error) : resolve(key)),
      ),
    )
    expect(derived.toString('base64url')).toBe(parts[5])
  })

  it('checks passwords against the hashes, case-insensitively on the email', async () => {
    const store = await createPasswordStore({ 'ada@example.com': 'lovelace' })
    expect(await store.verify('ADA@example.com', 'lovelace')).toBe(true)
    expect(await store.verify('ada@example.com', 'Lovelace')).toBe(false)
    expect(await store.verify('nobody@example.com', 'lovelace')).toBe(false)
    expect(await verifyPassword('lovelace', store.hashes.get('ada@example.com') ?? '')).toBe(true)
  })

  it('is what the server logs in against', async () => {
    expect((await post('/auth/login', 'application/json', JSON.stringify(ada))).status).toBe(200)
    const wrong = await post('/auth/login', 'application/json', JSON.stringify({ ...ada, password: 'babbage' }))
    expect(wrong.status).toBe(401)
  })
})

describe('the CLI', () => {
  const main = fileURLToPath(new URL('../../../examples/rest-server/main.ts', import.meta.url))

  /** Runs the CLI, which must exit by itself; resolves with its exit code and stderr. */
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = track(
        spawn(process.execPath, ['--import', 'tsx', main, '--ephemeral', '--port', '0', ...args], {
          env: { ...process.env, REDIS_URL: '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      )
      let stderr = ''
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.once('exit', (code) => resolve({ code, stderr }))
    })

  it.each([
    [['--reuse-interval', 'soon'], {}, '"soon"'],
    [['--reuse-interval=-1'], {}, '"-1"'],
    [['--reuse-interval', '-1'], {}, 'ambiguous'],
    [[], { REUSE_INTERVAL: '1e3' }, '"1e3"'],
  ])('refuses %j %j with exit 2 and a message naming the flag', async (args, env, shown) => {
    const { code, stderr } = await run(args, env)
    expect(code).toBe(2)
    expect(stderr).toMatch(/rest-server: .*--reuse-interval/)
    expect(stderr).toContain(shown)
  })
})
