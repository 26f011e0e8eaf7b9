import { readFileSync } from 'node:fs';
import { planQuestion } from './src/ask/plan.ts';
import { allCommands } from './test/ask/_commands.ts';
import { createSymbolDirectory, loadManifest } from './src/data/symbols.ts';
const symbols = createSymbolDirectory(loadManifest());
const c = JSON.parse(readFileSync('test/ask/corpus.json','utf8'));
for (const e of [...c.answer, ...c.clarify]) { const p = planQuestion(e.q, { commands: allCommands, symbols, reference: c.reference }); console.log(JSON.stringify(e.q).padEnd(60), p.kind === 'run' ? p.text + (p.notes.length ? '  // ' + p.notes.join('; ') : '') : p.kind === 'clarify' ? 'CLARIFY ' + p.message.split('\n').slice(0,2).join(' | ') : p.kind); }
