/**
 * Desktop notifications, opt-in: only after the person asked for them (a button, never on
 * page load), only while this tab is hidden, and with the sender's name as the title.
 */
const KEY = 'messenger.notifications';

export type NotificationSetting = 'unsupported' | 'blocked' | 'off' | 'on';

export function createNotifications() {
  const supported = typeof window.Notification === 'function';

  function setting(): NotificationSetting {
    if (!supported) return 'unsupported';
    if (Notification.permission === 'denied') return 'blocked';
    return Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on' ? 'on' : 'off';
  }

  return {
    setting,

    /** Asks the browser (the first time) and turns them on; resolves to the new setting. */
    async enable(): Promise<NotificationSetting> {
      if (!supported) return 'unsupported';
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      if (permission === 'granted') localStorage.setItem(KEY, 'on');
      return setting();
    },

    disable() {
      localStorage.removeItem(KEY);
    },

    /** Shows one when they are on and the tab is hidden; a click brings the tab back and runs `open`. */
    notify(title: string, body: string, tag: string, open: () => void) {
      if (setting() !== 'on' || document.visibilityState !== 'hidden') return;
      const notification = new Notification(title, { body, tag });
      notification.onclick = () => {
        window.focus();
        open();
        notification.close();
      };
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
