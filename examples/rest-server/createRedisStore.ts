import { createClient } from 'redis'
import type { RefreshTokenStore, RotateOutcome } from './RefreshTokenStore.js'

// Runs inside Redis, so check-and-spend is one atomic step even with many server instances.
// KEYS: the presented token, the next token. ARGV: key prefix, now, next expiry (ms), the next
// token sealed under the presented one, the reuse interval (ms), the next token's hash.
// A spent token within the interval whose successor is unspent gets that successor back (its
// answer was lost); any other spent token is reuse and revokes the family.
const ROTATE = `
local t = redis.call('HMGET', KEYS[1], 'family', 'exp', 'rotated', 'next', 'sealed')
if not t[1] then return {'unknown'} end
local fkey = ARGV[1] .. 'family:' .. t[1]
local f = redis.call('HMGET', fkey, 'user', 'email', 'revoked')
if not f[1] then return {'unknown'} end
if f[3] then return {'revoked', f[3]} end
if t[3] then
  if t[4] and t[5] and tonumber(ARGV[2]) < tonumber(t[3]) + tonumber(ARGV[5]) then
    local nkey = ARGV[1] .. 'rt:' .. t[4]
    if redis.call('EXISTS', nkey) == 1 and not redis.call('HGET', nkey, 'rotated') then
      return {'replayed', t[1], f[1], f[2], t[5]}
    end
  end
  redis.call('HSET', fkey, 'revoked', 'reuse', 'revoked_at', ARGV[2])
  return {'reused', t[1]}
end
if tonumber(t[2]) <= tonumber(ARGV[2]) then return {'expired'} end
redis.call('HSET', KEYS[1], 'rotated', ARGV[2], 'next', ARGV[6], 'sealed', ARGV[4])
redis.call('HSET', KEYS[2], 'family', t[1], 'exp', ARGV[3])
redis.call('PEXPIREAT', KEYS[2], ARGV[3])
if tonumber(redis.call('HGET', fkey, 'exp')) < tonumber(ARGV[3]) then
  redis.call('HSET', fkey, 'exp', ARGV[3])
  redis.call('PEXPIREAT', fkey, ARGV[3])
end
return {'rotated', t[1], f[1], f[2]}
`

export interface RedisStoreOptions {
  /** Prefix of every key. Default `authchart:`. */
  prefix?: string
  /** How long to keep trying to reach Redis at start-up, in ms. Default 5 000. */
  connectTimeout?: number
}

/**
 * A store in Redis, for several server instances behind a load balancer: they share tokens,
 * families, claims and the signing key (the first instance to start saves it; the others adopt
 * it). Entries expire with their tokens. Durability is Redis's own: run it with AOF
 * (`appendonly yes`) or snapshots, or a Redis restart loses every session. Start-up fails if
 * Redis cannot be reached: falling back to memory is the bug of seed 002.
 *
 * @example
 * const store = await createRedisStore(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
 * const server = await startRestServer({ store })
 */
export async function createRedisStore(url: string, options: RedisStoreOptions = {}): Promise<RefreshTokenStore> {
  const prefix = options.prefix ?? 'authchart:'
  const connectTimeout = options.connectTimeout ?? 5_000
  let connected = false
  let lastError: unknown
  const client = createClient({
    url,
    socket: {
      connectTimeout,
      // Before the first connection, give up so start-up fails loudly; after it, keep trying:
      // requests meanwhile get 503 (transient) and clients retry, nobody is signed out.
      reconnectStrategy: (retries, cause) => {
        if (!connected && retries >= 3) return new Error(`redis store: cannot connect to Redis`, { cause })
        return Math.min(100 * 2 ** retries, 2_000)
      },
    },
  })
  // Without a listener an 'error' event crashes the process; the cause reaches the caller through
  // the failed command or the failed start-up instead.
  client.on('error', (error: unknown) => {
    lastError = error
  })
  try {
    await client.connect()
  } catch (error) {
    // The client's 'error' event usually says more (ECONNREFUSED) than the rejection does.
    const detail = lastError instanceof Error ? ` (${lastError.message})` : ''
    throw new Error(`redis store: cannot connect to Redis at ${new URL(url).host}${detail}`, { cause: error })
  }
  connected = true

  const tokenKey = (hash: string) => `${prefix}rt:${hash}`
  const familyKey = (id: string) => `${prefix}family:${id}`
  const claimsKey = (userId: string) => `${prefix}claims:${userId}`
  const signingKeyKey = `${prefix}signing-key`

  return {
    kind: 'redis',
    durable: true,
    async signingKey(candidate) {
      await client.set(signingKeyKey, JSON.stringify(candidate), { condition: 'NX' })
      const stored = await client.get(signingKeyKey)
      if (stored === null) throw new Error('redis store: the signing key was not saved')
      return JSON.parse(stored)
    },
    async createFamily(family) {
      await client
        .multi()
        .hSet(familyKey(family.familyId), {
          user: family.userId,
          email: family.email,
          exp: String(family.expiresAt),
        })
        .pExpireAt(familyKey(family.familyId), family.expiresAt)
        .hSet(tokenKey(family.tokenHash), { family: family.familyId, exp: String(family.expiresAt) })
        .pExpireAt(tokenKey(family.tokenHash), family.expiresAt)
        .exec()
    },
    async rotate(tokenHash, next, now, reuseIntervalMs): Promise<RotateOutcome> {
      const reply = (await client.eval(ROTATE, {
        keys: [tokenKey(tokenHash), tokenKey(next.tokenHash)],
        arguments: [prefix, String(now), String(next.expiresAt), next.sealed, String(reuseIntervalMs), next.tokenHash],
      })) as string[]
      const [status, a = '', b = '', c = '', d = ''] = reply
      if (status === 'rotated') return { status, familyId: a, userId: b, email: c }
      if (status === 'replayed') return { status, familyId: a, userId: b, email: c, sealed: d }
      if (status === 'reused') return { status, familyId: a }
      if (status === 'revoked') return { status, reason: a }
      if (status === 'expired') return { status }
      return { status: 'unknown' }
    },
    async familyOf(tokenHash) {
      return (await client.hGet(tokenKey(tokenHash), 'family')) ?? null
    },
    async revokeFamily(familyId, reason, now) {
      const key = familyKey(familyId)
      // Only an existing family: HSET on a missing key would create one without an expiry.
      if ((await client.exists(key)) === 1) {
        await client.hSetNX(key, 'revoked', reason)
        await client.hSetNX(key, 'revoked_at', String(now))
      }
    },
    async isFamilyActive(familyId, now) {
      const [user, revoked, exp] = await client.hmGet(familyKey(familyId), ['user', 'revoked', 'exp'])
      return user != null && revoked == null && Number(exp) > now
    },
    async claims(userId) {
      const stored = await client.get(claimsKey(userId))
      return stored === null ? {} : (JSON.parse(stored) as Record<string, unknown>)
    },
    async setClaims(userId, claims) {
      await client.set(claimsKey(userId), JSON.stringify(claims))
    },
    async close() {
      await client.close()
    },
  }
}
