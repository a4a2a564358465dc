// Shared bits of every page: an error read out to screen readers, a loading line, and a hook
// that loads data from the API and can reload it.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n/index.js';

/** An API refusal as the reader sees it: the server's message (already in API words). */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return <p className="error" role="alert">{text}</p>;
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted" aria-live="polite">{t('app.loading')}</p>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` on mount and whenever `deps` change; `reload()` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    run().then((data) => live && setState({ data, error: undefined, loading: false }), (error: unknown) => live && setState({ data: undefined, error, loading: false }));
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}
