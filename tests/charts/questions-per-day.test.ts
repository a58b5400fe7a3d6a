import { loadImage, createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CHART_COLORS, niceScale, renderQuestionsPerDay } from '../../src/charts/questions-per-day.js';

/** The chart decoded, to read its pixels as a viewer would see them. */
async function decode(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return {
    width: image.width,
    height: image.height,
    /** Every distinct colour in the column at x, as #rrggbb. */
    columnColours(x: number): Set<string> {
      const { data } = context.getImageData(x, 0, 1, image.height);
      const colours = new Set<string>();
      for (let index = 0; index < data.length; index += 4) {
        colours.add(
          `#${[data[index]!, data[index + 1]!, data[index + 2]!].map((value) => value.toString(16).padStart(2, '0')).join('')}`,
        );
      }
      return colours;
    },
  };
}

describe('given the questions of a week', () => {
  it('then the chart is a small PNG whose bars are green for answered and grey for declined, and empty days have none', async () => {
    const days = [
      { day: '2025-03-04', answered: 0, declined: 0 },
      { day: '2025-03-05', answered: 6, declined: 0 },
      { day: '2025-03-06', answered: 0, declined: 3 },
      { day: '2025-03-07', answered: 4, declined: 2 },
    ];
    const chart = await decode(await renderQuestionsPerDay(days));

    expect([chart.width, chart.height]).toEqual([640, 240]);
    // The plot spans x 44…612 in four slots of 142 px: each bar sits in its slot's middle.
    const middleOf = (slot: number) => Math.round(44 + slot * 142 + 71);
    expect(chart.columnColours(middleOf(0))).not.toContain(CHART_COLORS.answered);
    expect(chart.columnColours(middleOf(0))).not.toContain(CHART_COLORS.declined);
    expect(chart.columnColours(middleOf(1))).toContain(CHART_COLORS.answered);
    expect(chart.columnColours(middleOf(1))).not.toContain(CHART_COLORS.declined);
    expect(chart.columnColours(middleOf(2))).toContain(CHART_COLORS.declined);
    expect(chart.columnColours(middleOf(2))).not.toContain(CHART_COLORS.answered);
    for (const colour of [CHART_COLORS.answered, CHART_COLORS.declined]) {
      expect(chart.columnColours(middleOf(3))).toContain(colour);
    }
  });
});

describe('given the highest day’s count', () => {
  it.each([
    [0, { top: 1, step: 1 }],
    [3, { top: 3, step: 1 }],
    [6, { top: 6, step: 2 }],
    [7, { top: 8, step: 2 }],
    [13, { top: 15, step: 5 }],
    [136, { top: 150, step: 50 }],
  ])('then %i gets a y axis of round steps', (maximum, scale) => {
    expect(niceScale(maximum)).toEqual(scale);
  });
});
