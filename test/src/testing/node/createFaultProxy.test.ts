import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InvalidOptionsError } from 'authchart'
import { createRestAdapter } from 'authchart/rest'
import { runAuthScenarios } from 'authchart/testing'
import { createFaultProxy } from 'authchart/testing/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// A target that counts what it committed: the proxy's lost answer must reach it.
let committed = 0
const target = createServer((req, res) => {
  committed += 1
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ path: req.url, method: req.method }))
})
let targetUrl = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())))

describe('createFaultProxy', () => {
  it('passes requests through, then applies each scripted fault in order', async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    try {
      const ok = await fetch(`${proxy.url}/auth/refresh?x=1`, { method: 'POST', body: '{}' })
      expect(await ok.json()).toEqual({ path: '/auth/refresh?x=1', method: 'POST' })

      proxy.failNext(1, '5xx')
      proxy.failNext(1, '429')
      expect((await fetch(`${proxy.url}/a`)).status).toBe(503)
      const limited = await fetch(`${proxy.url}/b`)
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('1')

      proxy.failNext(1, 'reset')
      await expect(fetch(`${proxy.url}/c`)).rejects.toThrow(TypeError)

      const before = committed
      proxy.failNext(1, 'commitThenLose')
      await expect(fetch(`${proxy.url}/d`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError)
      expect(committed).toBe(before + 1)

      proxy.failNext(1, 'drop')
      await expect(fetch(`${proxy.url}/e`, { signal: AbortSignal.timeout(200) })).rejects.toThrow()

      proxy.failNext(1, { delay: 50 })
      const started = Date.now()
      expect((await fetch(`${proxy.url}/f`)).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(45)
      expect(proxy.log.map((line) => line.split(': ')[1])).toEqual([
        '5xx',
        '429',
        'reset',
        'commitThenLose',
        'drop',
        'delay 50 ms',
      ])
    } finally {
      await proxy.close()
    }
  })

  it('forwards each request on a connection of its own, so a target closing idle sockets races nothing', async () => {
    const connections: string[] = []
    const counting = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    counting.on('connection', (socket) => connections.push(`${socket.remotePort}`))
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve))
    const proxy = await createFaultProxy({ target: `http://127.0.0.1:${(counting.address() as AddressInfo).port}` })
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${proxy.url}/r${i}`)).status).toBe(200)
      expect(connections).toHaveLength(3)
      expect(new Set(connections).size).toBe(3)
      expect(proxy.check()).toBeUndefined()
    } finally {
      await proxy.close()
      await new Promise<void>((resolve) => counting.close(() => resolve()))
    }
  })

  it('a target that cuts a connection it took has the proxy cut the client too, and is not called unreachable', async () => {
    const cutting = createServer((req) => req.socket.destroy())
    await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve))
    const proxy = await createFaultProxy({ target: `http://127.0.0.1:${(cutting.address() as AddressInfo).port}` })
    try {
      await expect(fetch(`${proxy.url}/auth/refresh`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError)
      expect(proxy.check()).toBeUndefined()
    } finally {
      await proxy.close()
      await new Promise<void>((resolve) => cutting.close(() => resolve()))
    }
  })

  it('a target that is down answers 502 and check() names the target', async () => {
    const down = createServer()
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve))
    const port = (down.address() as AddressInfo).port
    await new Promise<void>((resolve) => down.close(() => resolve()))
    const proxy = await createFaultProxy({ target: `http://127.0.0.1:${port}` })
    try {
      expect((await fetch(`${proxy.url}/auth/login`, { method: 'POST', body: '{}' })).status).toBe(502)
      expect(() => proxy.check()).toThrow(`the target http://127.0.0.1:${port} could not be reached`)
      expect(() => proxy.check()).not.toThrow()
    } finally {
      await proxy.close()
    }
  })

  it('closes with a dropped request still open, and stops listening', async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    proxy.failNext(1, 'drop')
    const hanging = fetch(`${proxy.url}/hang`).then(
      () => 'answered',
      () => 'cut',
    )
    await vi.waitFor(() => expect(proxy.requests).toBe(1))
    await proxy.close()
    expect(await hanging).toBe('cut')
    await expect(fetch(`${proxy.url}/after`)).rejects.toThrow(TypeError)
  })

  it('while the network is down, cuts every connection, open or new, until it is back up', async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    try {
      expect(proxy.network).toBe('up')
      expect((await fetch(`${proxy.url}/before`)).status).toBe(200)
      // A request the server never answers holds its connection open: going down cuts it.
      proxy.failNext(1, 'drop')
      const open = fetch(`${proxy.url}/open`).then(
        () => 'answered',
        () => 'cut',
      )
      await vi.waitFor(() => expect(proxy.requests).toBe(2))
      proxy.setNetwork('down')
      expect(proxy.network).toBe('down')
      expect(await open).toBe('cut')
      const cutsWhenDown = proxy.networkCuts
      expect(cutsWhenDown).toBeGreaterThanOrEqual(1)
      // New connections are destroyed on arrival: a real network error in fetch, no request seen.
      await expect(fetch(`${proxy.url}/offline`)).rejects.toThrow(TypeError)
      await expect(fetch(`${proxy.url}/offline`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError)
      expect(proxy.networkCuts).toBeGreaterThanOrEqual(cutsWhenDown + 2)
      expect(proxy.requests).toBe(2)
      proxy.setNetwork('up')
      expect((await fetch(`${proxy.url}/after`)).status).toBe(200)
      expect(proxy.requests).toBe(3)
      expect(() => proxy.setNetwork('sideways' as never)).toThrow(InvalidOptionsError)
    } finally {
      await proxy.close()
    }
  })

  it("offline, the REST adapter's requests fail with a network error it classifies as transient", async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    try {
      const adapter = createRestAdapter({ baseUrl: proxy.url })
      const context = { signal: new AbortController().signal, now: () => Date.now() }
      proxy.setNetwork('down')
      const failure = await adapter.signIn({ email: 'ada@example.com', password: 'pw' }, context).then(
        () => null,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(TypeError)
      expect(adapter.classify?.(failure)).toBe('transient')
      expect(proxy.networkCuts).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
  })

  it('going down ends a delayed answer at once, and close() still cuts everything', async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    proxy.failNext(1, { delay: 60_000 })
    const delayed = fetch(`${proxy.url}/slow`).then(
      () => 'answered',
      () => 'cut',
    )
    await vi.waitFor(() => expect(proxy.log).toHaveLength(1))
    // The scenario control's move is the same switch.
    await proxy.control.network('down')
    expect(proxy.network).toBe('down')
    expect(await delayed).toBe('cut')
    expect(() => proxy.control.check()).not.toThrow()
    await proxy.close()
    await expect(fetch(`${proxy.url}/after`)).rejects.toThrow(TypeError)
  })

  it('refuses a fault it does not know, rather than pass the request through', async () => {
    const proxy = await createFaultProxy({ target: targetUrl })
    try {
      expect(() => proxy.failNext(1, '500' as never)).toThrow(InvalidOptionsError)
      expect(() => proxy.failNext(1, { delay: Number.NaN })).toThrow('failNext: no such fault')
      expect(() => proxy.failNext(-1, '5xx')).toThrow('failNext: count must be an integer ≥ 0, got -1')
      expect(proxy.log).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('closes with a delayed answer pending, and leaves no timer behind to hold the process', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length
    const before = timers()
    const proxy = await createFaultProxy({ target: targetUrl })
    proxy.failNext(1, { delay: 60_000 })
    const delayed = fetch(`${proxy.url}/slow`).then(
      () => 'answered',
      () => 'cut',
    )
    await vi.waitFor(() => expect(proxy.log).toHaveLength(1))
    await proxy.close()
    expect(await delayed).toBe('cut')
    await new Promise((resolve) => setImmediate(resolve))
    expect(timers()).toBeLessThanOrEqual(before)
  })
})

describe('a run whose proxy target is down', () => {
  it('stops at the first step with an error naming the step, the seed and the target', async () => {
    const down = createServer()
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve))
    const port = (down.address() as AddressInfo).port
    await new Promise<void>((resolve) => down.close(() => resolve()))
    const proxy = await createFaultProxy({ target: `http://127.0.0.1:${port}` })
    try {
      const run = runAuthScenarios({
        backend: () => ({
          adapter: createRestAdapter({ baseUrl: proxy.url }),
          credentials: { email: 'ada@example.com', password: 'lovelace' },
          control: { check: () => proxy.check() },
        }),
        seed: 4,
      })
      await expect(run).rejects.toThrow(
        new RegExp(
          `step 1 \\(tabA\\.signIn\\)[\\s\\S]*seed \\d+[\\s\\S]*the target http://127\\.0\\.0\\.1:${port} could not be reached`,
        ),
      )
    } finally {
      await proxy.close()
    }
  })
})
