import { describe, expect, it } from '@jest/globals';
import { pct } from '../../../src/pcap/verdict/wording.js';

describe('pct: a percentage that agrees with the counts beside it', () => {
  it('rounds to a whole number in the ordinary case', () => {
    expect(pct(0.5)).toBe('50 %');
    expect(pct(0.1)).toBe('10 %');
    expect(pct(9 / 12)).toBe('75 %');
    expect(pct(1)).toBe('100 %');
    expect(pct(0)).toBe('0 %');
  });

  it('never says "100 %" when some were not (199 failed, 1 acknowledged), nor "0 %" when some were', () => {
    expect(pct(199 / 200)).toBe('99.5 %');
    expect(pct(9999 / 10000)).toBe('99.9 %');
    expect(pct(1 / 200)).toBe('1 %');
    expect(pct(1 / 300)).toBe('0.4 %');
    expect(pct(1 / 100000)).toBe('0.1 %');
  });
});
