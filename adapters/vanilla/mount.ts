import type { AuthClient, AuthSnapshot } from 'authchart'
import { watch } from './watch.js'

/** The part of a DOM element `mount` writes to. */
export type MountTarget = Pick<Element, 'setAttribute'> & { textContent: string | null }

const byStatus = (snapshot: AuthSnapshot) => snapshot.status

/**
 * Shows the session in `element` and keeps it current: the text is `format(snapshot)` (the
 * status by default) and the `data-auth-status` attribute is the status, for CSS. The text is
 * set as `textContent`, so an error message from a server cannot inject markup. Returns the
 * function that stops updating.
 *
 * @example
 * mount(document.querySelector('#auth-status')!, auth, (s) =>
 *   s.error ? `${s.status}: ${s.error.message}` : s.status,
 * )
 */
export function mount(
  element: MountTarget,
  client: Pick<AuthClient, 'getSnapshot' | 'subscribe'>,
  format: (snapshot: AuthSnapshot) => string = byStatus,
): () => void {
  const view = (snapshot: AuthSnapshot) => ({ status: snapshot.status, text: format(snapshot) })
  const paint = ({ status, text }: ReturnType<typeof view>) => {
    element.textContent = text
    element.setAttribute('data-auth-status', status)
  }
  paint(view(client.getSnapshot()))
  return watch(client, view, paint, (a, b) => a.status === b.status && a.text === b.text)
}
