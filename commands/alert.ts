/**
 * /alert — a message in this channel, with a chart, when something happens at a close: a level
 * crossed, a new high, a streak reaching N sessions, a ratio crossing its average, a quadrant change on
 * the rotation map. Each event fires once; evaluation runs after every close (src/digest/alerts.ts).
 */
import type { Answer } from '../src/answer/answer.ts';
import { emptyAnswer } from '../src/answer/build.ts';
import { formatDate } from '../src/core/format.ts';
import { defineCommand } from '../src/command/define.ts';
import type { ChoiceOption, IntegerOption, SymbolOption } from '../src/command/options.ts';
import { opt, PRICE_LEVEL_RANGE } from '../src/command/options.ts';
import { describeAlert } from '../src/digest/alerts.ts';
import { requireDigests, requireChannel, requireManager, requirePostable } from '../src/digest/backend.ts';
import { ALERT_KINDS, ALERT_SCANS, MAX_ALERTS_PER_CHANNEL, type AlertKind, type AlertSpec } from '../src/digest/types.ts';
import { UserInputError } from '../src/errors.ts';

const DEFAULT_N: Readonly<Record<'streak' | 'ratio-cross', number>> = { streak: 5, 'ratio-cross': 50 };

export default defineCommand({
  name: 'alert',
  description: 'Alerts after a close: level crosses, new highs, streaks, ratio crosses, quadrants, scans',
  options: {
    action: opt.choice({ description: 'add, list or remove', choices: ['list', 'add', 'remove'] as const, default: 'list', positional: true }),
    type: { kind: 'choice', description: 'above, below, ath, high52, streak, ratio-cross, quadrant or scan', choices: ALERT_KINDS, positional: true, required: false } as ChoiceOption<AlertKind>,
    symbol: opt.optionalSymbol({ description: 'The symbol the alert is about', positional: true }),
    level: opt.optionalNumber({ description: 'Price level for above/below, e.g. 600', ...PRICE_LEVEL_RANGE }),
    vs: { kind: 'symbol', description: 'Second symbol for streak, ratio-cross and quadrant (default SPY)', positional: false, required: false } as SymbolOption,
    n: { kind: 'integer', description: 'Sessions for streak (default 5) or the average for ratio-cross (default 50)', positional: false, required: false, min: 2, max: 250 } as IntegerOption,
    id: { kind: 'integer', description: 'The alert to remove (see /alert list)', positional: false, required: false, min: 1, max: 1_000_000_000 } as IntegerOption,
    scan: { kind: 'choice', description: 'For scan alerts: snapback (default) or breakouts', choices: ALERT_SCANS, positional: false, required: false } as ChoiceOption<(typeof ALERT_SCANS)[number]>,
  },
  examples: ['/alert add above SPY level:600', '/alert add ath QQQ', '/alert add streak IWM vs:SPY n:5', '/alert add ratio-cross IWM vs:SPY n:50', '/alert add quadrant XLE', '/alert add scan HOOD scan:snapback', '/alert list', '/alert remove id:3'],
  async run(ctx, o): Promise<Answer> {
    const { store, clock } = requireDigests(ctx);
    if (o.action === 'list') {
      const channel = requireChannel(ctx.channel);
      const alerts = await store.alerts(channel);
      const a = emptyAnswer('alert', 'Alerts in this channel', null, null);
      if (alerts.length === 0) a.lines.push('None yet. For example: `/alert add above SPY level:600` or `/alert add streak IWM vs:SPY n:5`.');
      for (const x of alerts) a.lines.push(`#${x.id} — ${describeAlert(x.spec)}${x.lastEvent ? ' (has fired)' : ''}`);
      return a;
    }
    const channel = await requireManager(ctx.channel, 'alerts');
    if (o.action === 'remove') {
      if (o.id === undefined) throw new UserInputError('Which alert? Give its number: /alert remove id:3.', 'See /alert list for the numbers.');
      const ok = await store.removeAlert(channel, o.id);
      if (!ok) throw new UserInputError(`This channel has no alert #${o.id}.`, 'See /alert list.');
      const a = emptyAnswer('alert', 'Alert removed', null, null);
      a.lines.push(`Alert #${o.id} removed.`);
      return a;
    }
    if (!o.type) throw new UserInputError('What kind of alert?', `One of: ${ALERT_KINDS.join(', ')}. For example: /alert add above SPY level:600.`);
    if (!o.symbol) throw new UserInputError(`/alert add ${o.type} needs a symbol.`, `For example: /alert add ${o.type} SPY${o.type === 'above' || o.type === 'below' ? ' level:600' : ''}.`);
    if ((await store.alerts(channel)).length >= MAX_ALERTS_PER_CHANNEL) {
      throw new UserInputError(`This channel already has ${MAX_ALERTS_PER_CHANNEL} alerts, the most it can have.`, 'Remove one first: /alert list, then /alert remove id:N.');
    }
    const other = o.vs ?? 'SPY';
    let spec: AlertSpec;
    switch (o.type) {
      case 'above':
      case 'below':
        if (o.level === undefined || !(o.level > 0)) throw new UserInputError(`/alert add ${o.type} needs a price level.`, `For example: /alert add ${o.type} ${o.symbol} level:600.`);
        spec = { kind: o.type, symbol: o.symbol, level: o.level };
        break;
      case 'ath':
      case 'high52':
        spec = { kind: o.type, symbol: o.symbol };
        break;
      case 'streak':
      case 'ratio-cross': {
        if (other === o.symbol) throw new UserInputError(`${o.symbol} against itself never changes.`, 'Pick another symbol with vs:, e.g. vs:SPY.');
        const n = o.n ?? DEFAULT_N[o.type];
        if (o.type === 'streak' && n > 60) throw new UserInputError(`A streak of ${n} sessions is beyond anything in the data; use at most 60.`);
        if (o.type === 'ratio-cross' && n < 5) throw new UserInputError('The average needs at least 5 days.');
        spec = { kind: o.type, symbol: o.symbol, other, n };
        break;
      }
      case 'quadrant':
        if (other === o.symbol) throw new UserInputError(`${o.symbol} against itself sits at the centre of the map.`, 'Pick a benchmark with vs:, e.g. vs:SPY.');
        spec = { kind: 'quadrant', symbol: o.symbol, other };
        break;
      case 'scan':
        spec = { kind: 'scan', symbol: o.symbol, scan: o.scan ?? 'snapback' };
        break;
    }
    // The symbols must have prices as of the latest close.
    await Promise.all(('other' in spec ? [spec.symbol, spec.other] : [spec.symbol]).map((s) => ctx.series(s)));
    await requirePostable(ctx.channel);
    const alert = await store.addAlert(channel, spec, ctx.asOf, ctx.channel?.userId ?? null, clock.now());
    const a = emptyAnswer('alert', 'Alert set', ctx.asOf, null);
    a.lines.push(`Alert #${alert.id}: I’ll post here, with a chart, when ${describeAlert(spec)} — checked after every close from ${formatDate(ctx.asOf)} on, once per event.`);
    return a;
  },
});
