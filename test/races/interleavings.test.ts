import { fc, it } from '@fast-check/vitest'
import type { TabChannel } from 'authchart'
import { type AuthWorld, createAuthWorld, type FakeTabs } from 'authchart/testing'
import { describe, expect } from 'vitest'

// A fixed seed so CI is reproducible; print it so a failure can be replayed. FC_SEED and FC_RUNS
// override both (e.g. FC_RUNS=20000 npm run test:model for a long local hunt).
const SEED = Number(process.env.FC_SEED ?? 20_261_122)
const RUNS = Number(process.env.FC_RUNS ?? 1_000)
console.log(`fast-check races: seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)

type Real = { world: AuthWorld; scheduler: fc.Scheduler; pending: Array<{ settled: boolean }>; tabs: Array<'A' | 'B'> }
type Model = Record<string, never>

const credentials = { email: 'ada@example.com', password: 'pw' }

// Every promise the run starts is tracked: it must settle by the end, and its failure is handled.
function track(real: Real, promise: Promise<unknown>) {
  const entry = { settled: false }
  real.pending.push(entry)
  promise.then(
    () => {
      entry.settled = true
    },
    () => {
      entry.settled = true
    },
  )
}

// The tab channel with each message delivered when the scheduler says, not in posting order.
function scheduledChannel(profile: FakeTabs, scheduler: fc.Scheduler) {
  return (name: string): TabChannel => {
    const inner = profile.channel(name)
    let closed = false
    return {
      postMessage(message) {
        void scheduler.schedule(Promise.resolve('broadcast')).then(() => {
          if (!closed) inner.postMessage(message)
        })
      },
      addEventListener: (type, listener) => inner.addEventListener(type, listener),
      removeEventListener: (type, listener) => inner.removeEventListener(type, listener),
      close() {
        closed = true
        inner.close()
      },
    }
  }
}

class Act implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly label: string,
    readonly act: (real: Real) => Promise<void> | void,
  ) {}
  check = () => true
  async run(_model: Model, real: Real) {
    await this.act(real)
    await real.world.clock.flush()
    expect(real.world.violations).toEqual([])
  }
  toString = () => this.label
}

const tabOf = (real: Real, i: number) => real.world.tabs[real.tabs[i % real.tabs.length] as 'A' | 'B'].client

const commands = fc.commands(
  [
    fc.nat(1).map(
      (i) =>
        new Act(`getToken(${i ? 'B' : 'A'})`, (r) => {
          const name = r.tabs[i % r.tabs.length] as 'A' | 'B'
          // I1 at the moment the token is handed out.
          track(
            r,
            r.world.tabs[name].client.getToken().then((token) => r.world.checkToken(r.world.tabs[name], token)),
          )
        }),
    ),
    fc
      .boolean()
      .map((force) => new Act(`refresh({ force: ${force} })`, (r) => track(r, tabOf(r, 0).refresh({ force })))),
    fc.nat(1).map((i) => new Act(`signOut(${i ? 'B' : 'A'})`, (r) => track(r, tabOf(r, i).signOut()))),
    fc.nat(1).map((i) => new Act(`signIn(${i ? 'B' : 'A'})`, (r) => track(r, tabOf(r, i).signIn(credentials)))),
    fc.constant(
      new Act('server answers', (r) => {
        void r.scheduler.schedule(Promise.resolve('server answers')).then(() => {
          r.world.gate.release('refresh')
        })
      }),
    ),
    fc
      .constantFrom(1_000, 15_000, 30 * 60_000)
      .map((ms) => new Act(`clock +${ms} ms`, (r) => r.world.clock.advance(ms))),
    fc.constant(
      new Act('stale broadcast', (r) => {
        // Only to tabs that hold a session: a tab with none adopts whatever it hears (its freshness
        // guard has nothing to compare with), and a replayed, spent session is a known gap that
        // needs a misbehaving tab; it is reported in docs/testing.md, not asserted here.
        if (r.tabs.some((t) => r.world.tabs[t].client.getSnapshot().session === null)) return
        const first = r.world.profile.posted.find((m) => (m as { type?: string }).type === 'session')
        if (first !== undefined) r.world.profile.post(r.world.channelName, first)
      }),
    ),
    fc.constant(
      new Act('storage corrupted, tab reloads', async (r) => {
        await r.world.profile.storage.setItem(r.world.storageKey, 'not json')
        r.world.reopen(r.tabs.at(-1) as 'A' | 'B')
        await r.world.start()
      }),
    ),
  ],
  { maxCommands: 10 },
)

describe('random interleavings of getToken, refresh, signOut, broadcasts, storage and server answers', () => {
  it.prop([fc.scheduler(), commands, fc.boolean()], { seed: SEED, numRuns: RUNS })(
    'I1–I7 hold on one and two clients of one profile',
    async (scheduler, cmds, twoClients) => {
      const world = createAuthWorld({
        tabs: (profile) => ({ channel: scheduledChannel(profile, scheduler), locks: profile.locks }),
      })
      const real: Real = { world, scheduler, pending: [], tabs: twoClients ? ['A', 'B'] : ['A'] }
      try {
        if (!twoClients) world.tabs.B.client.stop()
        await world.start()
        await world.tabs.A.client.signIn(credentials)
        await scheduledModelRun(scheduler, () => ({ model: {}, real }), cmds)
        // Drain: the server answers everything, time passes, every message is delivered.
        for (let i = 0; i < 30; i++) {
          world.gate.release('refresh')
          await scheduler.waitAll()
          await world.clock.advance(5_000)
        }
        expect(world.violations).toEqual([])
        expect(real.pending.every((p) => p.settled)).toBe(true)
        for (const tab of real.tabs) {
          expect(['authenticated', 'unauthenticated', 'expired']).toContain(world.tabs[tab].client.getSnapshot().status)
        }
      } finally {
        world.stop()
        await scheduler.waitAll()
        await world.clock.flush()
      }
    },
    300_000,
  )
})

const { scheduledModelRun } = fc
