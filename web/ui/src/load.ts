// Loading what a page shows without an older answer replacing a newer one.
import { useRef } from 'preact/hooks';

/**
 * Hands `request`'s answer to `done` (its failure to `failed`) unless the
 * returned cancel ran first. A page's load keyed by what the user picked
 * returns it to useEffect, so an answer for an earlier pick that comes late
 * never replaces the current one.
 */
export function latest<T>(request: Promise<T>, done: (x: T) => void, failed: (e: unknown) => void): () => void {
  let live = true;
  request.then(
    (x) => {
      if (live) done(x);
    },
    (e) => {
      if (live) failed(e);
    },
  );
  return () => {
    live = false;
  };
}

/**
 * For a view reloaded from several places (its first load, a poll, after an
 * action): only the answer of the call started last is handed on, so a slow
 * earlier call never replaces a newer one. The promise settles once the
 * answer was handled (or dropped), for callers that await the reload.
 */
export function useNewest(): <T>(request: Promise<T>, done: (x: T) => void, failed: (e: unknown) => void) => Promise<void> {
  const seq = useRef(0);
  return (request, done, failed) => {
    const mine = ++seq.current;
    return request.then(
      (x) => {
        if (mine === seq.current) done(x);
      },
      (e) => {
        if (mine === seq.current) failed(e);
      },
    );
  };
}
