import { describe, expect, it } from 'vitest';
import { citationLink, MAX_LINK_LENGTH } from '../../src/bot/citation-links.js';

const PAGE = 'https://news.example/deepseek';

describe('given a quoted sentence from a document with a source', () => {
  it('then the link is the page with a text fragment naming the sentence, percent-encoded', () => {
    expect(citationLink(PAGE, '英伟达市值单日跌幅达17%,市值蒸发近6000亿美元。')).toBe(
      `${PAGE}#:~:text=${encodeURIComponent('英伟达市值单日跌幅达17%,市值蒸发近6000亿美元。')}`,
    );
    const decoded = decodeURIComponent(new URL(citationLink(PAGE, 'a\n  b')!).hash);
    expect(decoded).toBe('#:~:text=a b');
  });

  it('then the characters that delimit a text directive (- , &) are escaped too', () => {
    const link = citationLink(PAGE, 'R1-Zero, V3 & more')!;
    expect(link).toBe(`${PAGE}#:~:text=R1%2DZero%2C%20V3%20%26%20more`);
  });

  it('then a long sentence is named by its start and its end, cut at clause breaks', () => {
    const sentence =
      '以火车烧煤为例,过去烧1吨煤火车能行驶10千米,如今效率优化10倍,1吨煤能跑100千米,火车公司本钱不变,行驶里程增加,利润就提高了10倍,这时煤炭价格该如何变化呢,假定煤矿开采者看到火车公司利润大增,将煤炭价格提高一倍。';
    // The comma between start and end is the directive's own; the sentence's commas are encoded.
    const terms = new URL(citationLink(PAGE, sentence)!).hash.slice('#:~:text='.length).split(',');
    expect(terms).toHaveLength(2);
    const [start, end] = terms.map(decodeURIComponent);
    expect(sentence.startsWith(start!)).toBe(true);
    expect(sentence.endsWith(end!)).toBe(true);
    expect(start).toBe('以火车烧煤为例,过去烧1吨煤火车能行驶10千米,');
    expect([...end!].length).toBeLessThanOrEqual(40);
  });

  it('then the link replaces any fragment the page had, and stays within Discord’s length for a link', () => {
    expect(citationLink(`${PAGE}#comments`, '一句话。')).toBe(`${PAGE}#:~:text=${encodeURIComponent('一句话。')}`);
    const longPage = `${PAGE}?${'q'.repeat(2000)}`;
    expect(citationLink(longPage, '一句很长的话'.repeat(10))).toBe(longPage);
    expect(citationLink(`${PAGE}?${'q'.repeat(MAX_LINK_LENGTH)}`, '一句话。')).toBeUndefined();
  });
});
