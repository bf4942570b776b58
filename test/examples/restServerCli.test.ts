import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseRestServerArgs, restServerHelp } from '../../examples/rest-server/parseRestServerArgs.js'
import { REST_SERVER_FLAGS, type RestServerFlag } from '../../examples/rest-server/restServerFlags.js'

const MAIN = fileURLToPath(new URL('../../examples/rest-server/main.ts', import.meta.url))

/** Runs `npm run rest-server -- ...args` as a newcomer would (without npm's banner) and waits for it to exit. */
async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: 15_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('npm run rest-server -- --help', () => {
  it('prints every flag with its environment variable and default, and exits 0', async () => {
    const { code, stdout, stderr } = await cli('--help')
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toBe(restServerHelp())
    for (const flag of REST_SERVER_FLAGS) {
      const line = stdout
        .split('\n')
        .find((text) => text.trimStart().startsWith(`--${flag.name} `) || text.trim() === `--${flag.name}`)
      expect(line, `--${flag.name}`).toBeDefined()
      if (flag.env) expect(line).toContain(` ${flag.env} `)
      if (flag.default !== undefined && flag.default !== false) expect(line).toContain(` ${String(flag.default)} `)
    }
  })

  it('names an unknown flag in one line with the help hint, exits 2, and prints no stack trace', async () => {
    const { code, stdout, stderr } = await cli('--prot', '3000')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      "rest-server: Unknown option '--prot'\nRun `npm run rest-server -- --help` to see every option.\n",
    )
  })

  it('refuses a value that is not a number the same way', async () => {
    const { code, stderr } = await cli('--access-token-ttl', 'soon')
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]).toBe(
      'rest-server: --access-token-ttl must be a whole number of 0 or more, not "soon"',
    )
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})

describe('parseRestServerArgs', () => {
  it('takes a flag over its variable, the variable over the default, and an empty variable as unset', () => {
    expect(parseRestServerArgs(['--port', '9000'], { PORT: '9100' })).toMatchObject({ options: { port: 9000 } })
    expect(parseRestServerArgs([], { PORT: '9100' })).toMatchObject({ options: { port: 9100 } })
    expect(parseRestServerArgs([], { PORT: '', REDIS_URL: '' })).toMatchObject({
      kind: 'run',
      options: { port: 8787, host: '127.0.0.1', dataDir: '.data/rest-server', ephemeral: false },
    })
  })

  it('collects a repeated list flag, or a comma-separated variable', () => {
    const origins = ['http://127.0.0.1:3000', 'http://127.0.0.1:5173']
    expect(parseRestServerArgs(['--allow-origin', origins[0]!, '--allow-origin', origins[1]!], {})).toMatchObject({
      options: { allowedOrigins: origins },
    })
    expect(parseRestServerArgs([], { ALLOWED_ORIGINS: origins.join(',') })).toMatchObject({
      options: { allowedOrigins: origins },
    })
  })

  it('builds parser and help from the one table, so a new flag is one row', () => {
    const withRow: RestServerFlag[] = [
      ...REST_SERVER_FLAGS,
      {
        name: 'refresh-token-ttl',
        env: 'REFRESH_TOKEN_TTL',
        kind: 'number',
        default: 60,
        option: 'refreshTokenTtl',
        description: 'refresh token lifetime, in seconds',
      },
    ]
    expect(parseRestServerArgs(['--refresh-token-ttl', '5'], {}, withRow)).toMatchObject({
      options: { refreshTokenTtl: 5 },
    })
    expect(parseRestServerArgs([], {}, withRow)).toMatchObject({ options: { refreshTokenTtl: 60 } })
    expect(restServerHelp(withRow)).toMatch(
      /--refresh-token-ttl <number> +REFRESH_TOKEN_TTL +60 +refresh token lifetime/,
    )
  })
})
