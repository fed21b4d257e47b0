/**
 * What every chart of report.html and of `dlsweep ui` shares: the frame (white background, a thin border
 * around the plotting area), fonts and colours, and the thinning of long series. Vega specifications only:
 * this folder is compiled by tsc to plain ES modules that Node (the report renders them to SVG) and the
 * browser (the ui renders them live) both import, so nothing here imports anything but types.
 */
import type { Spec } from 'vega';

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK_DARK = '#1f2328';
export const INK_MUTED = '#59636e';

/** Fonts and colours of every chart: GitHub-like greys, the system UI font. */
const CONFIG = {
  axis: {
    labelColor: INK_MUTED,
    titleColor: INK_DARK,
    gridColor: '#eaeef2',
    titleFontWeight: 500,
    labelFontSize: 11,
    titleFontSize: 12,
    labelFont: FONT,
    titleFont: FONT,
  },
  legend: {
    labelColor: INK_DARK,
    titleColor: INK_DARK,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 500,
    labelLimit: 320,
    labelFont: FONT,
    titleFont: FONT,
  },
  title: { fontSize: 14, fontWeight: 600, anchor: 'start', color: INK_DARK, font: FONT },
  text: { font: FONT },
  style: { cell: { stroke: '#d1d9e0' } },
} as const;

/** The frame shared by every chart: white background, a thin border around the plotting area. */
export function frame(width: number, height: number, title?: string | { text: string; subtitle?: string }): Partial<Spec> {
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    background: 'white',
    padding: 5,
    width,
    height,
    ...(title ? { title: typeof title === 'string' ? { text: title, anchor: 'start' } : { ...title, anchor: 'start' } } : {}),
    style: 'cell',
    config: CONFIG as unknown as Spec['config'],
  };
}

/** Downsample a series to at most `max` points (first and last kept, even stride between). */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max || max < 2) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

