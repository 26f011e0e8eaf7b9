/**
 * /digest — the market note after every close, posted to a channel by itself: subscribe, unsubscribe,
 * list, or preview one now. Scheduling, exactly-once delivery and fan-out live in src/digest.
 */
import type { Answer } from '../src/answer/answer.ts';
import { emptyAnswer } from '../src/answer/build.ts';
import { defineCommand } from '../src/command/define.ts';
import type { ChoiceOption, TextOption } from '../src/command/options.ts';
import { opt } from '../src/command/options.ts';
import { requireDigests, requireChannel, requireManager, requirePostable } from '../src/digest/backend.ts';
import { composeDigest } from '../src/digest/compose.ts';
import { describeNext } from '../src/digest/describe.ts';
import { DEFAULT_SLOT, parseSlotTime, parseZone } from '../src/digest/schedule.ts';
import { PRESETS, type Preset } from '../src/digest/types.ts';

const PRESET_WORDS: Readonly<Record<Preset, string>> = {
  close: 'the close (indexes, small vs large, sectors, your watchlist)',
  rotation: 'small vs large caps (/rotation)',
  sectors: 'sector leaders (/leaders sectors 1d)',
  scan: 'the scans over the bundled stocks (/scan all stocks)',
};

export default defineCommand({
  name: 'digest',
  description: 'Daily market note after every close: subscribe this channel, unsubscribe, list, preview',
  options: {
    action: opt.choice({ description: 'subscribe, unsubscribe, list or preview', choices: ['list', 'subscribe', 'unsubscribe', 'preview'] as const, default: 'list', positional: true }),
    preset: { kind: 'choice', description: 'close (default), rotation, sectors or scan', choices: PRESETS, positional: true, required: false } as ChoiceOption<Preset>,
    time: { kind: 'text', description: 'Local time to post, HH:MM (default 16:30)', positional: false, required: false, maxLength: 5 } as TextOption,
    tz: { kind: 'text', description: 'Time zone, e.g. America/New_York (default), Europe/London', positional: false, required: false, maxLength: 64 } as TextOption,
  },
  examples: ['/digest subscribe', '/digest subscribe close time:07:00 tz:Europe/London', '/digest preview', '/digest preview sectors asof:2025-04-09', '/digest list', '/digest unsubscribe'],
  async run(ctx, o): Promise<Answer> {
    switch (o.action) {
      case 'preview': {
        // Without a store (digests not enabled), the preview has no watchlist.
        const watchlist = ctx.channel && ctx.digests ? await ctx.digests.store.watchlist({ platform: ctx.channel.platform, id: ctx.channel.id }) : [];
        const a = await composeDigest(o.preset ?? 'close', { day: ctx.asOf, series: (s) => ctx.series(s), sourceLabel: ctx.sourceLabel, watchlist }, ctx.run);
        return { ...a, title: `Preview · ${a.title}` };
      }
      case 'subscribe': {
        const channel = await requireManager(ctx.channel, 'digests');
        await requirePostable(ctx.channel);
        const { store, clock } = requireDigests(ctx);
        const slot = { time: o.time !== undefined ? parseSlotTime(o.time) : DEFAULT_SLOT.time, tz: o.tz !== undefined ? parseZone(o.tz) : DEFAULT_SLOT.tz };
        const preset = o.preset ?? 'close';
        const now = clock.now();
        const { replaced } = await store.subscribe(channel, preset, slot, ctx.channel?.userId ?? null, now);
        const a = emptyAnswer('digest', replaced ? 'Digest updated' : 'Digest subscribed', null, null);
        a.lines.push(`This channel gets **${PRESET_WORDS[preset]}** after every NYSE close, at ${slot.time} ${slot.tz} (${describeNext(slot, now)}).`);
        a.lines.push(`No digest on weekends or market holidays, counted by the date in ${slot.tz} (a Friday close posted in the morning waits for Monday); if the day’s prices are late, it waits for them rather than repeat yesterday’s.`);
        return a;
      }
      case 'unsubscribe': {
        const channel = await requireManager(ctx.channel, 'digests');
        const n = await requireDigests(ctx).store.unsubscribe(channel, o.preset);
        const a = emptyAnswer('digest', 'Digest unsubscribed', null, null);
        a.lines.push(n === 0 ? `This channel had no ${o.preset ? `${o.preset} ` : ''}digest.` : `Done: ${n === 1 ? 'one digest' : `${n} digests`} removed from this channel.`);
        return a;
      }
      case 'list': {
        const channel = requireChannel(ctx.channel);
        const { store, clock } = requireDigests(ctx);
        const now = clock.now();
        const subs = await store.subscriptions(channel);
        const a = emptyAnswer('digest', 'Digests in this channel', null, null);
        if (subs.length === 0) a.lines.push('None yet. `/digest subscribe` posts the market close here every trading day at 16:30 New York time.');
        for (const s of subs) a.lines.push(`**${s.preset}** at ${s.slot.time} ${s.slot.tz} — ${describeNext(s.slot, now)}.`);
        const watch = await store.watchlist(channel);
        if (watch.length > 0) a.lines.push(`Watchlist: ${watch.join(', ')}.`);
        const alerts = (await store.alerts(channel)).length;
        if (alerts > 0) a.lines.push(`${alerts === 1 ? 'One alert' : `${alerts} alerts`} set here (\`/alert list\`).`);
        return a;
      }
    }
  },
});
