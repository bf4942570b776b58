const REDACTED = '[redacted token]'

/**
 * Removes the given secrets (a session's access, refresh and ID tokens) from an error in place:
 * its message, stack, own fields and nested data, and the same along its `cause` chain. An
 * adapter's error may quote the token it sent (a vendor SDK echoing the request, an HTTP client
 * putting the body in its message), and opaque tokens are not caught by the JWT pattern. Values
 * shorter than 8 characters are ignored: they would match ordinary words, and no token is that
 * short. Getters are not read. Returns false when a field holding a secret could not be
 * rewritten (a frozen error): the caller must then not hand the value out.
 *
 * @example
 * const clean = redactSecrets(error, sessionSecrets(session))
 */
export function redactSecrets(value: unknown, secrets: readonly string[]): boolean {
  const words = secrets.filter((secret) => secret.length >= 8)
  if (words.length === 0 || typeof value !== 'object' || value === null) return true
  // A loop, not recursion: an adapter's error nested deeper than the call stack must not turn
  // into a RangeError thrown from the redaction.
  const seen = new Set<object>()
  const pending: object[] = [value]
  let clean = true
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (seen.has(node)) continue
    seen.add(node)
    // `message`, `stack` and `cause` are own but not enumerable on an Error.
    const keys = node instanceof Error ? [...Object.keys(node), 'message', 'stack', 'cause'] : Object.keys(node)
    for (const key of keys) {
      const field: unknown = Object.getOwnPropertyDescriptor(node, key)?.value
      if (typeof field === 'string') {
        const redacted = words.reduce((text, word) => text.split(word).join(REDACTED), field)
        if (redacted !== field && !Reflect.set(node, key, redacted)) clean = false
      } else if (typeof field === 'object' && field !== null) pending.push(field)
    }
  }
  return clean
}

/**
 * The tokens of the given sessions, as {@link redactSecrets} takes them.
 *
 * @example
 * redactSecrets(error, sessionSecrets(held))
 */
export function sessionSecrets(
  ...sessions: Array<{ accessToken: string; refreshToken?: string | undefined; idToken?: string | undefined } | null>
): string[] {
  return sessions.flatMap((session) =>
    // Stryker disable next-line StringLiteral: equivalent, a secret shorter than 8 characters is never looked for; a seeded "Stryker was here!" is text no error holds
    session === null ? [] : [session.accessToken, session.refreshToken ?? '', session.idToken ?? ''],
  )
}
