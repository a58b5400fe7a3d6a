/**
 * The chart `/stats` and `npm run stats -- --chart` attach: questions per
 * day, answered and declined stacked, as a small PNG. Drawn with
 * @napi-rs/canvas (Skia, prebuilt inside its npm package, so nothing is
 * downloaded or compiled), which is imported only when a chart is drawn:
 * a bot that is never asked for one does not load it. The picture holds only
 * dates and numbers; what the colours mean is said in the caller's language.
 */

export interface DayCount {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  answered: number;
  /** Quoted under a caveat (the article lacks part of the question); 0 when not counted. */
  partial?: number;
  declined: number;
}

export const CHART_COLORS = { answered: '#3ba55d', partial: '#faa61a', declined: '#b9bbbe' } as const;

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 28, bottom: 32, left: 44 };
const AXIS_COLOR = '#4f545c';
const GRID_COLOR = '#e3e5e8';
const FONT = '12px "DejaVu Sans", sans-serif';

/** A round top for the y axis (1, 2 or 5 times a power of ten) and its step, so the grid lines are round numbers. */
export function niceScale(maximum: number): { top: number; step: number } {
  if (maximum <= 0) return { top: 1, step: 1 };
  const rough = maximum / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!;
  return { top: Math.max(step, Math.ceil(maximum / step) * step), step: Math.max(1, step) };
}

/** Renders the days as stacked bars (answered below, then partial, declined above); the PNG's bytes. */
export async function renderQuestionsPerDay(days: readonly DayCount[]): Promise<Buffer> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, WIDTH, HEIGHT);

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const total = (day: DayCount) => day.answered + (day.partial ?? 0) + day.declined;
  let highest = 0;
  for (const day of days) highest = Math.max(highest, total(day));
  const { top, step } = niceScale(highest);
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;

  context.font = FONT;
  context.textBaseline = 'middle';
  context.textAlign = 'right';
  for (let value = 0; value <= top; value += step) {
    context.strokeStyle = value === 0 ? AXIS_COLOR : GRID_COLOR;
    context.beginPath();
    context.moveTo(MARGIN.left, Math.round(y(value)) + 0.5);
    context.lineTo(WIDTH - MARGIN.right, Math.round(y(value)) + 0.5);
    context.stroke();
    context.fillStyle = AXIS_COLOR;
    context.fillText(String(value), MARGIN.left - 6, y(value));
  }

  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, Math.min(40, slot * 0.7));
  // About eight date labels at most, whatever the period.
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  context.textAlign = 'center';
  context.textBaseline = 'top';
  days.forEach((day, index) => {
    const left = MARGIN.left + index * slot + (slot - barWidth) / 2;
    let below = 0;
    for (const kind of ['answered', 'partial', 'declined'] as const) {
      const count = day[kind] ?? 0;
      context.fillStyle = CHART_COLORS[kind];
      context.fillRect(left, y(below + count), barWidth, y(below) - y(below + count));
      below += count;
    }
    if ((days.length - 1 - index) % labelEvery === 0) {
      context.fillStyle = AXIS_COLOR;
      context.fillText(day.day.slice(5), left + barWidth / 2, HEIGHT - MARGIN.bottom + 8);
    }
  });
  return canvas.encode('png');
}
