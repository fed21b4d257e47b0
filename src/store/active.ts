/** The time a sweep was actually worked on, from its record's spans of work (SweepFile.active). Pure. */
import type { ActiveSpan, SweepFile } from './records.js';

/**
 * The spans a sweep was worked on (SweepFile.active), each ended: a span still open ends at `openEnd` (now
 * for a running sweep; for one whose process died, when it was last seen working: lastActivity), never
 * before it started. A record without spans (older sweeps) is one span, started_at to ended_at. Times in
 * ms since the epoch; a span whose end is unknown (NaN) is left out. Throws: nothing.
 */
export function activeSpans(sweep: Pick<SweepFile, 'active' | 'started_at' | 'ended_at'>, openEnd: number): { start: number; end: number }[] {
  const spans: ActiveSpan[] = sweep.active ?? [{ started_at: sweep.started_at, ended_at: sweep.ended_at }];
  const out: { start: number; end: number }[] = [];
  for (const s of spans) {
    const start = Date.parse(s.started_at);
    const end = s.ended_at !== null ? Date.parse(s.ended_at) : openEnd;
    if (Number.isFinite(start) && Number.isFinite(end)) out.push({ start, end: Math.max(start, end) });
  }
  return out;
}

/**
 * The time a sweep was actually worked on, in ms: the sum of its spans (activeSpans), so the idle time
 * between a run and its resume or extension is not counted. NaN when no span's end is known.
 */
export function activeMs(sweep: Pick<SweepFile, 'active' | 'started_at' | 'ended_at'>, openEnd = NaN): number {
  const spans = activeSpans(sweep, openEnd);
  return spans.length ? spans.reduce((ms, s) => ms + s.end - s.start, 0) : NaN;
}
