/** History API routing: /login, / (home), /conversations/:id. */
export type Route = { name: 'login' } | { name: 'home' } | { name: 'conversation'; id: string } | { name: 'not-found' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  if (pathname === '/login') return { name: 'login' };
  const match = /^\/conversations\/(\d{1,19})\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'conversation', id: match[1] };
  return { name: 'not-found' };
}

/**
 * Follows same-origin link clicks without reloading the page (a plain left click
 * only: ctrl/cmd-click still opens a new tab), and the back/forward buttons.
 */
export function interceptNavigation(onNavigate: () => void): (path: string, replace?: boolean) => void {
  function navigate(path: string, replace = false) {
    if (replace) history.replaceState(null, '', path);
    else if (path !== location.pathname) history.pushState(null, '', path);
    onNavigate();
  }
  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.origin !== location.origin || !anchor.hasAttribute('data-route')) return;
    event.preventDefault();
    navigate(anchor.pathname);
  });
  window.addEventListener('popstate', onNavigate);
  return navigate;
}
