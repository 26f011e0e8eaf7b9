/**
 * Every chat command, in the order /help lists them. Adapters, Discord registration, the Slack
 * manifest and /help are all derived from this list: add a command here and it exists everywhere.
 */
import type { AnyCommand } from '../src/command/define.ts';
import breakout from './breakout.ts';
import chart from './chart.ts';
import alert from './alert.ts';
import analogs from './analogs.ts';
import compare from './compare.ts';
import composition from './composition.ts';
import digest from './digest.ts';
import drawdown from './drawdown.ts';
import help from './help.ts';
import leaders from './leaders.ts';
import perf from './perf.ts';
import rotation from './rotation.ts';
import rotationmap from './rotationmap.ts';
import scan from './scan.ts';
import status from './status.ts';
import streak from './streak.ts';
import watch from './watch.ts';

export const commands: readonly AnyCommand[] = [rotation, compare, streak, perf, leaders, rotationmap, scan, breakout, drawdown, analogs, composition, chart, status, digest, watch, alert, help];
