// 5. Memory and cost per client: the heap and CPU a signed-in client costs, and the heap a client
// holds after many refresh cycles on fake time, which must not grow.
import { type AuthAdapter, createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'

const HOUR = 3_600_000

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Heap per signed-in client, averaged over `count` clients held at once. */
export async function benchHeapPerClient(count = 200) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock, accessTokenTtl: HOUR })
  const base = heap()
  const clients = []
  for (let i = 0; i < count; i++) {
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), tabs: false }).start()
    await clock.flush()
    await auth.signIn({ email: `user${i}@example.com`, password: 'pw' })
    clients.push(auth)
  }
  const perClientKb = (heap() - base) / count / 1024
  for (const auth of clients) auth.stop()
  return { clients: count, perClientKb }
}

/**
 * CPU to create, start and sign in one client on the fake adapter and fake clock, averaged over
 * `count` clients after as many to warm up. CPU time (`process.cpuUsage`, this process only) is the
 * headline, as the machine is shared; wall time is beside it. Stopping is not counted.
 */
export async function benchCpuPerClient(count = 1_000) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock, accessTokenTtl: HOUR })
  const signInMany = async (n: number) => {
    const clients = []
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) {
      const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), tabs: false }).start()
      await clock.flush()
      await auth.signIn({ email: `user${i}@example.com`, password: 'pw' })
      clients.push(auth)
    }
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6
    const { user, system } = process.cpuUsage(cpu)
    for (const auth of clients) auth.stop()
    return { cpuMs: (user + system) / 1000 / n, wallMs: wallMs / n }
  }
  await signInMany(count)
  heap()
  return { clients: count, ...(await signInMany(count)) }
}

/** An adapter that keeps nothing itself, so any growth measured is the client's. */
function createStatelessAdapter(clock: { now(): number }): AuthAdapter<unknown> & { refreshes: number } {
  const issue = () => {
    const iat = Math.floor(clock.now() / 1000)
    const payload = Buffer.from(JSON.stringify({ sub: 'user-1', iat, exp: iat + HOUR / 1000 })).toString('base64url')
    return { accessToken: `eyJhbGciOiJub25lIn0.${payload}.`, refreshToken: `rt-${iat}` }
  }
  const adapter = {
    name: 'stateless',
    refreshes: 0,
    signIn: async () => issue(),
    refresh: async () => {
      adapter.refreshes += 1
      return issue()
    },
  }
  return adapter
}

export async function benchMemory(cycles = 10_000) {
  const clock = createFakeClock()
  const adapter = createStatelessAdapter(clock)
  const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), tabs: false }).start()
  await clock.flush()
  await auth.signIn({ email: 'ada@example.com', password: 'pw' })
  const sample = async (n: number) => {
    // Each cycle is one expiry: the chart's 5 s steps and one refresh.
    for (let i = 0; i < n; i++) await clock.advance(HOUR)
    return heap()
  }
  const afterWarmup = await sample(cycles / 10)
  const afterAll = await sample(cycles - cycles / 10)
  auth.stop()
  return { cycles: adapter.refreshes, growthBytesPerCycle: (afterAll - afterWarmup) / (cycles - cycles / 10) }
}
