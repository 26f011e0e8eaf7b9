/**
 * Every command a question can become. commands/index.ts lists what the bot registers; commands that
 * exist as files but are not listed yet are added here so questions about them can be tested now.
 */
import { commands as registered } from '../../commands/index.ts';
import breakout from '../../commands/breakout.ts';
import chart from '../../commands/chart.ts';
import drawdown from '../../commands/drawdown.ts';
import leaders from '../../commands/leaders.ts';
import perf from '../../commands/perf.ts';
import rotationmap from '../../commands/rotationmap.ts';
import type { AnyCommand } from '../../src/command/define.ts';

export const allCommands: readonly AnyCommand[] = [
  ...registered,
  ...[perf, breakout, drawdown, leaders, rotationmap, chart].filter((c) => !registered.some((r) => r.name === c.name)),
];
