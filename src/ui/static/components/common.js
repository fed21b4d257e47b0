/** Small pieces shared by the pages: status badges, tags, error boxes, the objective of a sweep. */
import { html } from 'htm/preact';
import { fmt } from '../format.js';

/** A status as a coloured badge (running, done, interrupted, failed, damaged, diverged...). */
export const Status = ({ status }) => html`<span class=${`badge status-${String(status).replace(/[^a-z_-]/gi, '')}`}>${status}</span>`;

/** Tags as chips; user text is passed as children, so Preact escapes it. */
export const Tags = ({ tags }) => (tags?.length ? html`<span class="tags">${tags.map((t) => html`<span class="tag">${t}</span>`)}</span>` : null);

/** An API error: the server's message and hint. */
export const ErrorBox = ({ error }) =>
  error ? html`<div class="error" role="alert"><strong>${error.message}</strong>${error.hint ? html`<div class="hint">${error.hint}</div>` : null}</div>` : null;

/** `value [low, high]` for a metric with its interval. */
export function withInterval(key, v, low, high) {
  if (v === null || v === undefined) return '';
  return low !== null && low !== undefined && high !== null && high !== undefined ? `${fmt(key, v)} [${fmt(key, low)}, ${fmt(key, high)}]` : fmt(key, v);
}

/** The objective's words, e.g. `lowest validation.loss`. */
export const objectiveText = (o) => (o ? (o.text ?? `${o.goal === 'maximize' ? 'highest' : 'lowest'} ${o.metric}`) : '');
