/** The part of `BroadcastChannel` the client uses. */
export interface TabChannel {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  close(): void
}

/** The part of the Web Locks `LockManager` the client uses. */
export interface TabLocks {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>
}

/**
 * How tabs of one browser profile share the session. `true` (the default) uses
 * `BroadcastChannel` and `navigator.locks` in a browser; pass your own for tests or other
 * platforms (`createFakeTabs()` from `authchart/testing`), or `false` to keep tabs apart.
 */
export type TabsOption =
  boolean | { channel?: ((name: string) => TabChannel) | undefined; locks?: TabLocks | undefined }
