import { el } from '../dom';
import type { ConnectionState } from '../live-events';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… New messages will appear when the connection is back.',
  // Logged out: nothing to say ("Offline" would be announced after every logout).
  stopped: '',
};

/**
 * The connection, as a banner across the top while it is not connected, and as a
 * status that screen readers announce and tests can read (`data-state`). While
 * connected it says so only to screen readers: nothing to look at when all is well.
 */
export function connectionStatus(): { element: HTMLElement; update(state: ConnectionState): void } {
  const element = el(
    'p',
    { class: 'connection', role: 'status', 'aria-live': 'polite', 'data-state': 'stopped' },
    LABELS.stopped,
  );
  return {
    element,
    update(state) {
      element.dataset.state = state;
      element.textContent = LABELS[state];
    },
  };
}
