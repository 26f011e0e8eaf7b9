import { planQuestion } from './src/ask/plan.ts';
import { allCommands } from './test/ask/_commands.ts';
import { createSymbolDirectory, loadManifest } from './src/data/symbols.ts';
const symbols = createSymbolDirectory(loadManifest());
try { console.log(planQuestion(process.argv[2] ?? '', { commands: allCommands, symbols, reference: '2026-08-21' })); } catch (e) { console.log(e); }
