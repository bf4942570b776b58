// Writes docs/mutation-survivors.md from the last Stryker report (reports/mutation/mutation.json):
// every mutant that survived or that no test reached, with the reason docs/mutation.md gives for
// its file, and every mutant judged equivalent, with its own reason. An equivalent mutant is marked
// in the source with `// Stryker disable next-line <Mutator>: equivalent, <why>`; Stryker reports it
// as Ignored with that text as its reason. Run after `npm run test:mutation`: `npm run docs:mutation`.
import { readFileSync, writeFileSync } from 'node:fs'

interface Position {
  line: number
  column: number
}
interface Mutant {
  mutatorName: string
  replacement?: string
  status: string
  statusReason?: string
  location: { start: Position; end: Position }
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>
}

const here = (path: string) => new URL(`../../${path}`, import.meta.url)
const report = JSON.parse(readFileSync(here('reports/mutation/mutation.json'), 'utf8')) as Report

/**
 * Survivors judged equivalent where a disable comment would also hide a killable mutant of the
 * same mutator on that line: matched by file, the original text (whitespace-insensitive), the
 * replacement and, when given, the text of the line.
 */
interface Equivalent {
  file: string
  original: string
  replacements: string[]
  line?: string
  reason: string
}
const equivalentList = JSON.parse(readFileSync(here('docs/mutation-equivalents.json'), 'utf8')) as Equivalent[]
const squash = (text: string) => text.replace(/\s+/g, ' ').trim()
const equivalentReason = (file: string, original: string, line: string, m: Mutant) =>
  equivalentList.find(
    (e) =>
      e.file === file &&
      squash(e.original) === squash(original) &&
      e.replacements.some((r) => squash(r) === squash(m.replacement ?? '')) &&
      (e.line === undefined || line.trim() === e.line),
  )?.reason

/** Why a file's mutants live, as far as it was triaged (docs/mutation.md has the long form). */
const reasons: Record<string, string> = {
  'machines/authMachine.ts':
    'All equivalent (the reason is in each row): guards on an event type or a context field that every way into the state already fixes. The route tests in test/machines (restoreRoutes, signInOutRoutes, refreshingRoutes, chartDefinition) kill the rest.',
  'machines/authSetup.ts':
    'All equivalent (reasons in the rows): action guards on the one event the action runs for, and `heldSession()`, which runs only where a session is held, so its message is never written (no test can reach it).',
  'machines/refreshingState.ts':
    'Test to write: `awaitingClaims` and `backingOff` timeouts of a waiter that is not the last one, and the tab-adoption settle inside `refreshing`.',
  'machines/refreshWaiters.ts':
    'Test to write: a predicate that throws while other waiters are settled in the same step.',
  'machines/sessionTiming.ts':
    'Equivalent: the `session === null` / `current === null` guards are unreachable (every caller holds a session there), and `>=` for `>` in isNewerSession sits behind an `expiresAt !==` guard.',
  'src/AuthLogger.ts': 'Equivalent for the suites: consoleLogger writes to the console, which tests never assert on.',
  'src/Clock.ts': 'Test to write: defaultClock is only used when no clock is injected; every test injects one.',
  'src/classifyError.ts':
    'Static: the `REASONS` entries are module-level, so an incremental run did not re-test them after test/src/classifyBoundaries.test.ts (which names every reason) was added; `--force` would. Equivalent: `typeof reason === "string"` → true, since `REASONS.has` of a non-string is false.',
  'src/createAuthClient.ts':
    "Equivalent: `'token_expired'` is for an `expired` state without a SessionExpiredError, which the chart never enters (see decideToken's marked twin); `notify()`'s `running()` guard only spares a stopped actor an event, which xstate's production build (the one Node resolves) drops silently and its development build warns about.",
  'src/createAuthEffects.ts':
    'No coverage: the Web Lock, rotation-record and cross-tab re-read paths run only with `tabs: true` in a page (test/e2e, Chromium), which the mutation suite does not run. Test to write: a jsdom suite with a fake IndexedDB.',
  'src/createAuthFetch.ts':
    'Covered by test/src/authFetchEdges.test.ts. Test to write: the 401 refresh is forced (`{ force: true }`): an unforced one would be answered by an unforced refresh already in flight.',
  'src/createInspectListener.ts':
    'Equivalent through the client: it calls createInspectListener only when `inspect` is given (`options.inspect && ...`), so the `undefined` shortcut is never taken.',
  'src/createInTabLocks.ts':
    'The queueing is unreachable through the client (its lock is its own, its chart runs one refresh at a time); the equivalent ones are marked in the source. Test to write: a refresh whose signal aborts while it waits for the in-tab lock.',
  'src/createMemoryStorage.ts':
    'Covered by test/src/rotationRecord.test.ts (a session in `sessionStorage` gets no record; a `sessionStorage` that throws on access).',
  'src/createRotationRecord.ts':
    'Covered by test/src/rotationRecord.test.ts and rotationOrder.test.ts: the record against fake-indexeddb with stubbed page globals. Test to write: an IndexedDB request or transaction that errors or aborts after opening (fake-indexeddb does not fail them on its own), and a removal that fails. The `SHA-256` literal survives because the tests stub `crypto.subtle.digest` in process (a real digest on the thread pool made the wait depend on the load).',
  'src/createSessionStore.ts':
    'Equivalent: the `not a session record` detail is for a non-InvalidSessionError thrown by decoding, which decodeStoredSession never throws; the `stored session` label is checked only through its message prefix in one path.',
  'src/createSnapshotView.ts':
    'Covered by test/src/snapshotIdentity.test.ts. The `source.session` and `source.user` checks each survive alone because the chart changes the session and its user together, so either one detects the change (a pair, each redundant given the other).',
  'src/createTabSync.ts':
    'Test to write: malformed tab messages (wrong version, missing fields) and the storage-event fallback marks; partly no coverage for the same reason as createAuthEffects.',
  'src/createTokenSinks.ts':
    'Test to write: the chart never pushes the same token twice in the suites, so the `token === current` guard is not observed; a sink added while a push is under way.',
  'src/decideToken.ts':
    'Test to write: `getToken()` in `refreshing.awaitingClaims` with a due token, and with no session.',
  'src/errors.ts':
    'Static: the `JWT_PATTERN` variants are module-level and were not re-tested after test/src/errorModel.test.ts (which redacts a whole JWT) was added; `--force` would. Test to write: a transient AdapterError given a reason must not name it in its message.',
  'src/parseClientOptions.ts':
    'Covered by test/src/optionMessages.test.ts (the message per option, the `refresh()` defaults).',
  'src/parseRetryAfter.ts':
    'Killed by test/src/classifyBoundaries.test.ts and publicDefaults.test.ts except the equivalents marked in the rows.',
  'src/parseSession.ts':
    'Equivalent: the default `what` labels are overridden by every caller in the client; the `invalid` detail is only used for a zod error with no issue, which zod never produces. Test to write: decodeClaims of an ID token with bad claims names the idToken field.',
  'src/redactForInspection.ts': 'Covered by test/src/redactionRules.test.ts.',
  'src/redactSecrets.ts':
    'Equivalent (reasons in the rows): the shortcut for no secrets or a non-object only saves the walk, which finds nothing to rewrite then; the one caller passes an AuthError, never null; no caller passes a null session.',
  'src/resolveStorage.ts':
    "Covered by test/src/platformDefaults.test.ts (no `localStorage`, one without `getItem`, one that throws on access). Test to write: the memory fallback's own reads, writes and removals are not observable from the one client that owns it.",
  'src/resolveTabs.ts':
    'Covered by test/src/platformDefaults.test.ts and rotationRecord.test.ts with stubbed page globals.',
  'src/Session.ts':
    'Test to write: a user with an empty id and a claims object with wrong types, through parseSession.',
  'src/toSessionInfo.ts': 'Test to write: the info of a session without a refresh token.',
}

const rows: string[] = []
const equivalents: string[] = []
const counts: Record<string, number> = {}
const cell = (text: string) =>
  `\`${text.replace(/\s+/g, ' ').trim().slice(0, 80).replace(/\|/g, '\\|').replace(/`/g, "'")}\``
const originalOf = (lines: string[], { start, end }: Mutant['location']) => {
  const line = lines[start.line - 1] ?? ''
  return start.line === end.line ? line.slice(start.column - 1, end.column - 1) : `${line.slice(start.column - 1)} …`
}
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const lines = source.split('\n')
  const byPlace = (a: Mutant, b: Mutant) =>
    a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column
  for (const m of mutants.filter((m) => m.status === 'Ignored').sort(byPlace)) {
    counts.Ignored = (counts.Ignored ?? 0) + 1
    const { start } = m.location
    equivalents.push(
      `| ${file}:${start.line}:${start.column} | ${m.mutatorName} | ${cell(originalOf(lines, m.location))} → ${cell(m.replacement ?? '')} | ${(m.statusReason ?? '').replace(/\|/g, '\\|')} |`,
    )
  }
  const left = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').sort(byPlace)
  if (left.length === 0) continue
  rows.push(`\n## ${file} (${left.length})\n\n${reasons[file] ?? 'Not triaged yet.'}\n`)
  rows.push('| where | status | mutator | original → mutant | equivalent? |', '| --- | --- | --- | --- | --- |')
  for (const m of left) {
    counts[m.status] = (counts[m.status] ?? 0) + 1
    const { start } = m.location
    const original = originalOf(lines, m.location)
    const why = equivalentReason(file, original, lines[start.line - 1] ?? '', m)
    if (why !== undefined) counts.listedEquivalent = (counts.listedEquivalent ?? 0) + 1
    rows.push(
      `| ${file}:${start.line}:${start.column} | ${m.status} | ${m.mutatorName} | ${cell(original)} → ${cell(m.replacement ?? '')} | ${why === undefined ? '' : `yes: ${why.replace(/\|/g, '\\|')}`} |`,
    )
  }
}

const head = `# Surviving mutants

Generated by \`npm run docs:mutation\` from the last \`npm run test:mutation\` report: every mutant
that survived (${counts.Survived ?? 0}) or that no test in the mutation suite reached
(${counts.NoCoverage ?? 0}), by file, with the reason for the file; ${counts.listedEquivalent ?? 0} of them are equivalent, with
the reason in their row (docs/mutation-equivalents.json), and ${counts.Ignored ?? 0} more are marked equivalent in the
source and listed at the end. See docs/mutation.md for the score and how the run is set up.
`
const equivalentSection =
  equivalents.length === 0
    ? ''
    : `\n## Equivalent mutants (${equivalents.length})\n\nMarked in the source with a \`// Stryker disable next-line\` comment giving the reason; Stryker reports them as Ignored and leaves them out of the score.\n\n| where | mutator | original → mutant | why no test can kill it |\n| --- | --- | --- | --- |\n${equivalents.join('\n')}\n`
writeFileSync(here('docs/mutation-survivors.md'), `${head}${rows.join('\n')}\n${equivalentSection}`)
