/**
 * Where the session is kept between page loads: the Web Storage shape, each method sync or
 * async. `localStorage`, `sessionStorage`, React Native's AsyncStorage and
 * `createMemoryStorage()` all fit.
 */
export interface SessionStorage {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
  removeItem(key: string): void | Promise<void>
}
