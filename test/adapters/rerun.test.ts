import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { decodeRerun, encodeRerun, periodButtons } from '../../src/adapters/rerun.ts';

const answer: Answer = {
  command: 'compare',
  args: { symbols: 'IWM ^GSPC', period: 'ytd', asof: '2026-01-21' },
  title: 't',
  lines: [],
  facts: {},
  charts: [],
  asOf: '2026-01-21',
  source: 's',
  warnings: [],
  period: { option: 'period', value: 'ytd' },
};

describe('period button ids', () => {
  it('round-trip the command and every option, with the new period', () => {
    const id = encodeRerun(answer, '1m');
    expect(id).not.toBeNull();
    expect(decodeRerun(id as string)).toEqual({
      name: 'compare',
      args: { words: [], named: { period: '1m', symbols: 'IWM ^GSPC', asof: '2026-01-21' } },
    });
  });

  it('fit Discord’s 100-character custom_id or are not offered', () => {
    for (const b of periodButtons(answer)) expect(b.id.length).toBeLessThanOrEqual(100);
    const long = { ...answer, args: { ...answer.args, symbols: 'XLRE XLC XLB XLE XLF XLK '.repeat(4) } };
    expect(periodButtons(long), 'too long for Discord: no buttons rather than broken ones').toEqual([]);
    expect(periodButtons(long, 2000).length, 'Slack allows 2000').toBe(4);
  });

  it('marks the current period and rejects foreign or malformed ids', () => {
    expect(periodButtons(answer).filter((b) => b.current).map((b) => b.label)).toEqual(['YTD']);
    expect(decodeRerun('something-else')).toBeNull();
    expect(decodeRerun('rr1|Bad Name|period=1m|')).toBeNull();
    expect(decodeRerun('rr1|compare|period=%E0%A4%A|')).toBeNull();
  });
});
