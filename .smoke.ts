import { planQuestion } from './src/ask/plan.ts';
import { allCommands } from './test/ask/_commands.ts';
import { createSymbolDirectory, loadManifest } from './src/data/symbols.ts';
const symbols = createSymbolDirectory(loadManifest());
const ctx = { commands: allCommands, symbols, reference: '2026-08-21' };
const qs = process.argv.slice(2).length ? process.argv.slice(2) : [
 'how are small caps doing against the mega caps this year?', 'is KRE breaking out?', 'biotech drawdown', 'compare IWM and QQQ since June',
 'which sectors are leading this month?', 'how long has the Russell been beating the S&P?', 'since the election how are small caps',
 'hi', 'is NVDA breaking out', 'IS KRE BREAKING OUT?', '/compare IWM SPY; rm -rf', '<script>alert(1)</script>', 'how is energy doing ytd',
 'chart xle 6 months candles', 'how long has the s&p been lagging the russell', 'small caps vs large caps in 2025', 'sector rotation map',
 'is spy holding above 600?', 'how far off the highs is the nasdaq?', 'what can you do', 'help compare', 'iwm vs spy past 2 weeks', 'russell 2000 index vs s&p 500 index ytd',
 'what did small caps do last year', 'which sectors are leading vs the nasdaq this month', 'rank XLE XLK XLF 6m', 'since oct how is xlk vs xle', 'small caps since june as of 2025-08-01'];
for (const q of qs) { const p = planQuestion(q, ctx); console.log(JSON.stringify(q), '\n   =>', p.kind === 'run' ? p.text + (p.notes.length ? '  NOTES: ' + p.notes.join('; ') : '') : p.kind === 'clarify' ? 'CLARIFY: ' + p.message.replace(/\n/g, ' | ') : p.kind); }
