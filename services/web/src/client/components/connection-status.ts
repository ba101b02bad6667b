import { el } from '../dom';
import type { ConnectionState } from '../live-events';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  stopped: 'Offline',
};

/** A status line that screen readers announce and tests can read (`data-state`). */
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
