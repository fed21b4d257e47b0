/**
 * Talking to the dlsweep ui server: JSON GETs under /api (errors become thrown Errors carrying the server's
 * message and hint) and the one server-sent event stream, shared by every page.
 */
import { useEffect, useState } from 'preact/hooks';

/** An API answer that was not 2xx: `message` is the server's error, `hint` its suggestion. */
export class ApiError extends Error {
  constructor(status, message, hint) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

/** GET /api/<path> as JSON. Throws: ApiError for a non-2xx answer. */
export async function getJson(path, signal) {
  const res = await fetch(`/api/${path}`, { signal, headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error ?? `${res.status} ${res.statusText}`, body.hint);
  return body;
}

/**
 * A hook: the JSON at `path` (null for none), refetched when `path` or `version` changes.
 * Returns { data, error, loading }; the previous data stays while a refetch runs, so pages do not flicker.
 */
export function useJson(path, version = 0) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  useEffect(() => {
    if (path === null) return undefined;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson(path, ctl.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => {
        if (error.name !== 'AbortError') setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [path, version]);
  return state;
}

let source = null;
const listeners = new Set();

function connect() {
  source = new EventSource('/api/events');
  for (const type of ['sweep', 'run', 'removed']) {
    source.addEventListener(type, (e) => {
      let data;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      for (const l of listeners) l(type, data);
    });
  }
}

/**
 * A hook: calls `onEvent(type, data)` for every server-sent event (`sweep`: a SweepSummary; `run`:
 * { sweep, experiment, run, status }; `removed`: { sweep, experiment }) while the component is mounted.
 * One EventSource serves all components; it reconnects by itself when the server restarts.
 */
export function useEvents(onEvent) {
  useEffect(() => {
    if (!source) connect();
    listeners.add(onEvent);
    return () => listeners.delete(onEvent);
  }, [onEvent]);
}

/**
 * A hook: a counter that increases (at most every `ms` milliseconds) when an event concerns `sweepId`
 * (any sweep when undefined), for refetching live data without flooding the server.
 */
export function useLiveVersion(sweepId, ms = 400) {
  const [version, setVersion] = useState(0);
  const [handler] = useState(() => {
    let timer = null;
    return (type, data) => {
      const id = type === 'sweep' ? data.id : data.sweep;
      if (sweepId !== undefined && id !== sweepId) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, ms);
    };
  });
  useEvents(handler);
  return version;
}
