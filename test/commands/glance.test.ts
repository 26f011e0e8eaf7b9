/**
 * Issue 12: every answer reads at a glance. Over more than 50 real answers (varied commands, dates and
 * symbols over the bundled data): the first line is under 120 characters, and an answer shows at most 6
 * lines besides its tables, the rest in `detail` (the More button, `--full`, always in `--json`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { plainText, withDetail } from '../../src/answer/answer.ts';
import { createTestApp } from '../_app.ts';

const app = createTestApp();
afterAll(() => app.close());

const DATES = ['', ' asof:2026-01-21', ' asof:2025-04-09', ' asof:2024-12-31', ' asof:2022-10-12'];
const COMMANDS = [
  '/breakout KRE',
  '/breakout SPY',
  '/breakout XLF level:40',
  '/streak IWM SPY',
  '/streak XLE XLK',
  '/drawdown QQQ',
  '/drawdown KRE',
  '/rotation',
  '/rotation period:1m',
  '/compare KRE XLF period:ytd',
  '/compare IWM SPY QQQ period:1y',
  '/perf SPY QQQ IWM',
  '/perf XLE XLK XLF XLV',
  '/leaders',
  '/leaders period:1m',
  '/chart SPY',
  '/rotationmap',
  '/digest preview',
  '/scan breakouts sectors',
  '/scan streaks mag7 vs:SPY',
  '/drawdown ^GSPC',
  '/chart IWM 3m',
  '/analogs IWM vs:SPY',
  '/analogs KRE failed',
];
/** MAGS starts Apr 2023 and ends Oct 1, 2026: answered as of its last close. */
const CASES = [
  ...COMMANDS.flatMap((c) => DATES.map((d) => `${c}${d}`)),
  '/compare MAGS SPY',
  '/breakout MAGS',
  '/perf MAGS SPY QQQ',
  // Long verdicts behind a stale lead: the shorter lead keeps them under 120.
  '/chart MAGS',
  '/compare MAGS QQQ period:1y',
  // The commands not above, once each (no asof: /composition and /status take none).
  '/composition IWM',
  '/composition IWM Technology',
  '/status',
  '/help perf',
  '/perf SPY asof:2022-10-12',
  '/leaders styles ytd',
  '/leaders XLE MAGS',
  '/leaders XLE XLK 6m vs:QQQ',
  '/rotationmap smallcap-drivers asof:2025-04-09',
  '/streak MAGS SPY',
  '/drawdown MAGS',
  '/drawdown BTC-USD',
  '/digest preview preset:sectors',
  '/digest preview preset:rotation',
];

describe('answers at a glance', () => {
  it('covers at least 50 real answers', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES)('%s: verdict under 120 characters, at most 6 lines besides tables', async (text) => {
    const r = await app.runner.runText(text);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    if (!r.ok) return;
    const a = r.answer;
    const first = plainText(a.lines[0] ?? '');
    expect(first.length, first).toBeGreaterThan(0);
    expect(first.length, first).toBeLessThan(120);
    const words = a.lines.filter((l) => !l.startsWith('```'));
    expect(words.length, words.join('\n')).toBeLessThanOrEqual(6);
    // Nothing is lost: the full answer is the short one plus its detail, in order.
    expect(withDetail(a).lines.slice(0, a.lines.length)).toEqual(a.lines);
  });
});

describe('stale symbols', () => {
  it('MAGS ends Oct 1, 2026 (data/prices/MAGS.csv, last row): the default /rotation leaves it out by name and stays at the latest close', async () => {
    const r = await app.runner.runText('/rotation');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.asOf).toBe('2026-10-08');
    expect(r.answer.lines[0]).not.toMatch(/^As of /);
    expect(r.answer.lines[1]).toMatch(/^Mega caps \(QQQ\) .*\(MAGS left out: its data ends Oct 1, 2026; QQQ stands in\)$/);
    expect(r.answer.warnings.join(' '), 'no mixed days left to warn about').not.toMatch(/data ends/);
    // A symbol typed keeps the rule: the whole answer as of the common last close, said first.
    const typed = await app.runner.runText('/compare IWM MAGS');
    if (!typed.ok) throw new Error(typed.error.message);
    expect(typed.answer.asOf).toBe('2026-10-01');
    expect(typed.answer.lines[0]).toMatch(/^As of Oct 1, the last close I have for MAGS: /);
  });
});

describe('the More button round trip', () => {
  it('encodes the command with its close pinned, and decodes to a run that shows the detail', async () => {
    const { decodeRerun, encodeMore } = await import('../../src/adapters/rerun.ts');
    const r = await app.runner.runText('/drawdown QQQ');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.detail?.length, 'six deepest drawdowns do not all fit at a glance').toBeGreaterThan(0);
    const id = encodeMore(r.answer);
    expect(id).not.toBeNull();
    expect((id ?? '').length).toBeLessThanOrEqual(100);
    const inv = decodeRerun(id ?? '');
    expect(inv?.full).toBe(true);
    expect(inv?.args.named['asof'], 'the same close after a restart or a newer close').toBe(r.answer.asOf);
    const again = await app.runner.run({ name: inv?.name ?? '', args: inv?.args ?? { words: [], named: {} } });
    if (!again.ok) throw new Error(again.error.message);
    expect(withDetail(again.answer).lines).toEqual(withDetail(r.answer).lines);
  });
});
