/**
 * No module-level mutable state outside the composition root (src/main.ts, src/app.ts): a module that
 * keeps a `let`, or a Map or Set at its top level, is a hidden global — two apps in one process (tests,
 * the CLI beside a bot) would share it. State belongs to an object the composition root creates.
 * Read with the TypeScript parser: a top-level `let`/`var`; a top-level Map, Set, WeakMap or WeakSet
 * made empty or changed anywhere in the file (`x.set(`, `x.add(`, `x.delete(`, `x.clear(`) — a
 * constant lookup set filled once where it is declared is fine; and a top-level empty array.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROOTS_ALLOWED = new Set(['src/main.ts', 'src/app.ts']);
/**
 * Known exceptions, `file name` with the reason. Shrink this list; a new entry needs a reason as good.
 * Lazy loads and memos of pure functions hold nothing two apps could disagree about; the rest is debt.
 */
const KNOWN: Readonly<Record<string, string>> = {
  'src/ask/dates.ts chronoLib': 'a lazy load of chrono-node (same module for everyone)',
  'src/charts/quickchart-renderer.ts libs': 'a lazy load of quickchart-js and axios',
  'src/charts/render-local.ts ready': 'Chart.js and the font registered once per thread (a per-thread fact, not app state)',
  'src/data/providers/http.ts shared': 'a lazy load of the one keep-alive axios instance',
  'src/core/format.ts percentFormats': 'a memo of Intl formatters by digits (a pure function of its key)',
  'src/data/calendar.ts closuresByYear': 'a memo of each year’s NYSE closures (a pure function of the year)',
  'src/data/providers/live.ts formatters': 'a memo of Intl date formatters by zone',
  'src/data/providers/http.ts transientErrors': 'debt: marks errors worth retrying (an error property would do)',
  'src/data/providers/http.ts localRefusals': 'debt: marks errors refused locally (an error property would do)',
  'src/data/providers/polygon.ts timeframeRefusals': 'debt: marks Polygon timeframe refusals (an error property would do)',
};
const MUTABLE_CONSTRUCTORS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** `file:line name (why)` for each top-level mutable binding of `text`. */
export function moduleState(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const list = st.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const name = d.name.getText(sf);
      const line = sf.getLineAndCharacterOfPosition(d.getStart(sf)).line + 1;
      const init = d.initializer;
      let why: string | null = null;
      if (!isConst) why = 'a top-level let/var';
      else if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && MUTABLE_CONSTRUCTORS.has(init.expression.text)) {
        const changed = new RegExp(`\\b${name}\\.(set|add|delete|clear|push|splice)\\(`).test(text);
        if (changed || !init.arguments || init.arguments.length === 0) why = `a top-level ${init.expression.text}, ${changed ? 'changed' : 'made empty'}`;
      }
      else if (init && ts.isArrayLiteralExpression(init) && init.elements.length === 0) why = 'a top-level empty array';
      if (why) found.push(`${file}:${line} ${name} (${why})`);
    }
  }
  return found;
}

/** "src/x.ts:12 name (why)" → "src/x.ts name". */
function knownKey(finding: string): string {
  const [where = '', name = ''] = finding.split(' ');
  return `${where.replace(/:\d+$/, '')} ${name}`;
}

describe('module-level state', () => {
  it('the scan finds what it is meant to find', () => {
    const text = [
      'let a = 1;',
      'const b = new Map<string, number>();',
      "const c = new Set(['x']);",
      'const d: string[] = [];',
      'const e = Object.freeze({});',
      'const f = [1, 2] as const;',
      "const WORDS = new Set(['a', 'b']);",
      'function g() { let h = 0; c.add(String(h)); return WORDS.has("a"); }',
    ].join('\n');
    expect(moduleState('x.ts', text).map((s) => s.split(' ')[1]), 'a constant lookup set (WORDS) is no state').toEqual(['a', 'b', 'c', 'd']);
  });

  it('none outside src/main.ts and src/app.ts', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('commands')].filter((f) => !ROOTS_ALLOWED.has(f));
    expect(files.length, 'the scan sees the tree').toBeGreaterThan(50);
    const found = files.flatMap((f) => moduleState(f, readFileSync(path.join(ROOT, f), 'utf8'))).filter((x) => !(knownKey(x) in KNOWN));
    expect(found, 'own this state by an object the composition root creates').toEqual([]);
  });

  it('the known exceptions still exist (a fixed one leaves the list)', () => {
    for (const key of Object.keys(KNOWN)) {
      const file = key.split(' ')[0] ?? '';
      expect(moduleState(file, readFileSync(path.join(ROOT, file), 'utf8')).map(knownKey), key).toContain(key);
    }
  });
});
