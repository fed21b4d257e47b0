/**
 * A Preact component drawing a Vega specification (from ./charts/, shared with report.html) as SVG.
 * Vega runs with its expression interpreter instead of compiling expressions with new Function, so the
 * page's Content-Security-Policy needs no 'unsafe-eval'.
 */
import '/vendor/vega.min.js';
import '/vendor/vega-interpreter.min.js';
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';

const vega = globalThis.vega;

/** Render `spec` into a div; `onView(view)` receives the live view (signals, listeners). */
export function VegaChart({ spec, className = '', onView }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!spec || !ref.current) return undefined;
    const view = new vega.View(vega.parse(spec, null, { ast: true }), { expr: vega.expressionInterpreter, renderer: 'svg', container: ref.current, hover: true });
    let live = true;
    view.runAsync().then(() => live && onView?.(view), (e) => console.error(e));
    return () => {
      live = false;
      view.finalize();
      if (ref.current) ref.current.textContent = '';
    };
  }, [spec]);
  return html`<div class=${`vega ${className}`} ref=${ref}></div>`;
}

export { vega };
