// A tiny History-API router: the current path as state, navigate(), and a Link that
// intercepts plain left clicks. partad serves index.html for every non-API path.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

function notify(): void {
  listeners.forEach((fn) => fn());
}

window.addEventListener('popstate', notify);

export function currentPath(): string {
  const p = window.location.pathname.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname && !replace) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

/** Click handler for <a href> that keeps navigation inside the app. */
export function linkClick(e: MouseEvent, path: string, after?: () => void): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
  if (after) after();
}
