/**
 * From a question to the command that answers it: which command (the intent), and its options as
 * the text a person would type (`/compare IWM QQQ since:2026-06-01`). That text is the "Read as" line
 * AND what runs — it is split by the same parser as typed commands, so the two cannot differ.
 * When the question cannot be read with confidence the plan is a clarification, never a guess.
 */
import type { AnyCommand, AskDeclaration } from '../command/define.ts';
import type { OptionDecl, SymbolsOption } from '../command/options.ts';
import { parseArgsText, parseCommandText, type RawArgs } from '../command/parse.ts';
import { UNIVERSES } from '../core/universes.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import { anyTickerHint } from '../errors.ts';
import { cleanQuestion, MAX_QUESTION_CHARS, tokenize } from './normalize.ts';
import { readQuestion, type ExtremeDate, type Reading, type SymbolMention } from './read.ts';
import { CHOICE_SYNONYMS, own, SIZE_GROUP_SYMBOLS, type IntentId, type IntentWords, type SizeGroup } from './vocabulary.ts';
import type { Lexicon } from './lexicon.ts';
import { echo } from '../echo.ts';
import { at } from '../core/at.ts';

export interface PlanContext {
  /** The registered commands' phrases (and the commands), built once at composition: an intent whose command is not among them is not offered. */
  lexicon: Lexicon;
  symbols: SymbolDirectory;
  /** ISO day relative dates are read against (the latest close). */
  reference?: string;
  /**
   * A command's name as people type it on this platform, for every command named in a reply: Slack
   * registers some as `/tapebot-help`. Given the bare name ("help"); a result without a leading `/`
   * gets one. Default: the name itself.
   */
  commandName?: (name: string) => string;
}

/** "/help", or the platform's spelling of it ("/tapebot-help"). */
export function shownCommand(name: string, commandName?: (name: string) => string): string {
  const shown = commandName ? commandName(name) : name;
  return shown.startsWith('/') ? shown : `/${shown}`;
}

/** A command text ("/help compare") with its name as the platform spells it ("/tapebot-help compare"). */
export function shownCommandText(text: string, commandName?: (name: string) => string): string {
  const m = /^\/(\S+)/.exec(text);
  return m ? `${shownCommand(at(m, 1), commandName)}${text.slice(m[0].length)}` : text;
}

export type AskPlan =
  /** `text` is the command as typed ("/compare IWM QQQ since:2026-06-01"); `args` is that text split. */
  | {
      kind: 'run';
      name: string;
      args: RawArgs;
      text: string;
      notes: string[];
      /** A day prices decide ("at the 2022 low"): to look up and add as `asof:` before it runs (settleDate). */
      extreme?: ExtremeDate;
    }
  | { kind: 'clarify'; message: string }
  /** The question has a relative date ("since june") and no reference day was given: call again with one. */
  | { kind: 'needs-reference' };

/** Longest clarification; well inside Discord's 2000 and Slack's 3000 characters. */
export const MAX_CLARIFY_CHARS = 1200;


export function planQuestion(text: string, ctx: PlanContext): AskPlan {
  return plan(text, ctx, true);
}

function plan(text: string, ctx: PlanContext, withExamples: boolean): AskPlan {
  const clean = cleanQuestion(text.slice(0, 8000));
  const say = (r: Reading | undefined, problem: string, prefer: readonly IntentId[] = r?.strong ?? []): AskPlan => ({
    kind: 'clarify',
    message: clarification(r, problem, withExamples ? examples(ctx, r, prefer) : [], ctx),
  });
  if (clean === '') return say(undefined, 'Ask me about the market in plain words.');
  if (clean.length > MAX_QUESTION_CHARS) return say(undefined, `That is a long message (${clean.length} characters); ask one short question.`);

  // A command typed after the mention ("@tapebot /compare IWM SPY") is taken as written.
  if (clean.startsWith('/')) {
    const typed = typedCommand(clean, ctx);
    if (typed) return typed;
    return say(undefined, `There is no ${echo(clean.split(' ')[0] ?? '', 30)} command.`);
  }

  let r = readQuestion(clean, ctx);
  // "since june, as of 2025-08-01": relative dates count back from the close asked about.
  if (r.asof && ctx.reference !== undefined && r.asof.date < ctx.reference) {
    const asof = r.asof;
    // The day itself was read against the latest close ("yesterday", "last friday"): it stays as read.
    const again = readQuestion(clean, { ...ctx, reference: asof.date });
    r = { ...again, asof };
  }
  if (r.needsReference && ctx.reference === undefined) return { kind: 'needs-reference' };

  if (r.unknownTickers.length > 0) {
    const known = ctx.symbols
      .list()
      .map((s) => s.symbol)
      .join(' ');
    const how = ctx.symbols.allowUnknown
      ? `Write it with a $ ($${r.unknownTickers[0] ?? 'AMD'}) to look it up live.`
      : anyTickerHint(ctx.symbols.list().length);
    return say(r, `I don't have prices for ${r.unknownTickers.join(', ')}. ${how} Symbols I know: ${known}.`);
  }
  if (r.problems.length > 0) return say(r, `I couldn't tell: ${r.problems.slice(0, 2).join('; ')}.`);
  const lex = ctx.lexicon;
  const intentWords = (id: IntentId): IntentWords | undefined => lex.intents.find((i) => i.id === id);
  // "is SPY overbought?", "why did KRE drop": one honest line, and the closest thing tapebot can do. (A help question may name anything.)
  const aboutTapebot = r.strong.some((i) => intentWords(i)?.aboutTapebot);
  if (r.unsupported !== undefined && !aboutTapebot) {
    const closest = runPlan({ ...r, unread: [] }, lex, clean, ctx);
    const line = closest.kind === 'run' ? `${r.unsupported} The closest I can do: ${echo(shownCommandText(closest.text, ctx.commandName), 120)}` : r.unsupported;
    return { kind: 'clarify', message: withHelp(line, ctx) };
  }
  // "what should I rotate into", "what's working": what has moved, never advice.
  if (r.advice && !aboutTapebot) {
    const adviser = lex.intents.find((i) => i.answersAdvice);
    const keep = r.strong.filter((i) => intentWords(i)?.needsNoSymbol && !intentWords(i)?.sizeSlots && !intentWords(i)?.aboutTapebot);
    const reading: Reading = r.symbols.length === 0 && adviser ? { ...r, strong: keep.length > 0 ? keep : [adviser.id], weak: [], unread: [] } : { ...r, unread: [] };
    const p = runPlan(reading, lex, clean, ctx);
    if (p.kind === 'run') return { ...p, notes: [NO_ADVICE, ...p.notes] };
    return { kind: 'clarify', message: withHelp(NO_ADVICE, ctx) };
  }
  const p = runPlan(r, lex, clean, ctx);
  if (p.kind === 'run') return p;
  return say(r, p.why, p.prefer);
}

/** Said above every advice-shaped question's answer. */
export const NO_ADVICE = 'tapebot reports what has moved and gives no advice';

function withHelp(line: string, ctx: PlanContext): string {
  const text = `${line}\nOr type ${shownCommand('help', ctx.commandName)} for the commands.`;
  return text.length <= MAX_CLARIFY_CHARS ? text : `${text.slice(0, MAX_CLARIFY_CHARS - 1)}…`;
}

/** The command a reading amounts to, or why it amounts to none. */
function runPlan(r: Reading, lex: Lexicon, clean: string, ctx: PlanContext): Extract<AskPlan, { kind: 'run' }> | { kind: 'none'; why: string; prefer: IntentId[] } {
  const decided = decideIntent(r, lex, new Set(tokenize(clean).map((t) => t.word)));
  if (decided.kind === 'unclear') return { kind: 'none', why: decided.why, prefer: decided.prefer };
  const intent = lex.intents.find((i) => i.id === decided.intent);
  const cmd = intent && lex.commands.find((c) => c.name === intent.command);
  if (!intent || !cmd) return { kind: 'none', why: "I can't answer that question here yet.", prefer: [] };
  // "is KRE lagging?": against the market.
  if (decided.against !== undefined) {
    const only = at(r.symbols, 0);
    const market: SymbolMention = { symbol: decided.against.symbol, said: decided.against.symbol.toLowerCase(), at: -1, afterVs: true };
    r = { ...r, symbols: decided.against.ahead ? [market, only] : [only, market], losingAt: -1 };
  }
  const filled = fillOptions(intent, cmd, r, clean, ctx);
  if ('problem' in filled) return { kind: 'none', why: filled.problem, prefer: [intent.id] };
  const rest = filled.parts.join(' ');
  const notes = [...r.corrections.map((c) => `read "${c.from}" as "${c.to}"`), ...filled.notes];
  const extreme = r.extreme && cmd.usesMarketData !== false ? { extreme: r.extreme } : {};
  return { kind: 'run', name: cmd.name, args: parseArgsText(rest), text: `/${cmd.name}${rest ? ` ${rest}` : ''}`, notes, ...extreme };
}

type RunPlan = Extract<AskPlan, { kind: 'run' }>;

/**
 * The plan with the day its extreme was found to be ("at the 2022 low" → 2022-10-12): `asof:` added to
 * what runs and to the Read-as text, so the line people see shows the day, with `note` saying how.
 */
export function settleDate(p: RunPlan, date: string, note: string): RunPlan {
  const text = `${p.text} asof:${date}`;
  return { kind: 'run', name: p.name, args: parseArgsText(text.replace(/^\S+\s*/, '')), text, notes: [...p.notes, note] };
}

function typedCommand(clean: string, ctx: PlanContext): AskPlan | undefined {
  try {
    const parsed = parseCommandText(clean);
    const cmd = ctx.lexicon.commands.find((c) => c.name === parsed.name || shownCommand(c.name, ctx.commandName) === `/${parsed.name}`);
    if (!cmd) return undefined;
    const rest = clean.replace(/^\S+\s*/, '');
    return { kind: 'run', name: cmd.name, args: parsed.args, text: `/${cmd.name}${rest ? ` ${rest}` : ''}`, notes: [] };
  } catch {
    return undefined;
  }
}

type Decision =
  /** `against`: a lone symbol measured against a benchmark; `ahead` when the benchmark is the one ahead ("KRE lagging"). */
  | { kind: 'intent'; intent: IntentId; against?: { symbol: string; ahead: boolean } }
  | { kind: 'unclear'; why: string; prefer: IntentId[] };

function isUniverseMember(symbol: string): boolean {
  return UNIVERSES.some((u) => u.members.some((m) => m.symbol === symbol));
}

/** How many symbols a command's options take: a list's maximum, or one per symbol option. */
function symbolCapacity(cmd: AnyCommand | undefined): number {
  if (!cmd) return 0;
  const decls = Object.values(cmd.options);
  const list = decls.find((d): d is SymbolsOption => d.kind === 'symbols');
  return list ? list.max : decls.filter((d) => d.kind === 'symbol').length;
}

/**
 * Which question the reading asks, from the registered commands' ask declarations: strong words first
 * (with each declaration's `outranks` and `yields`), then the shapes commands claim (`answersPair`,
 * `answersLevel` …) when only weak words or none were said.
 */
function decideIntent(r: Reading, lex: Lexicon, words: ReadonlySet<string>): Decision {
  const intents = lex.intents;
  const decl = (id: IntentId | undefined): IntentWords | undefined => (id === undefined ? undefined : intents.find((i) => i.id === id));
  const claiming = (flag: keyof AskDeclaration): IntentWords | undefined => intents.find((i) => i[flag] !== undefined && i[flag] !== false);
  const s = new Set(r.strong);
  const subjects = r.symbols.length;
  const sizeOnly = subjects > 0 && r.symbols.every((x) => x.size !== undefined);
  const hasSmall = r.symbols.some((x) => x.size === 'small');

  // Several strong words: the more specific question wins where one clearly contains the other.
  // "help compare" asks about the command; "help me compare IWM and SPY" asks the question.
  const about = [...s].find((x) => decl(x)?.aboutTapebot);
  if (about !== undefined && subjects === 0) for (const x of [...s]) if (x !== about) s.delete(x);
  for (const x of [...s]) if (s.size > 1 && decl(x)?.yields) s.delete(x);
  for (const x of [...s]) if (s.has(x)) for (const y of decl(x)?.outranks ?? []) if (y !== x) s.delete(y);
  if (s.size > 1) {
    const topics = [...s].map((i) => decl(i)?.topic ?? i);
    return { kind: 'unclear', why: `I read two questions in one (${topics.join(' and ')}); ask them one at a time.`, prefer: [...s] };
  }

  let intent: IntentId | undefined = [...s][0];
  const strongDecl = decl(intent);
  if (strongDecl?.withGroup !== undefined && r.universe && (subjects === 0 || strongDecl.sizeSlots)) intent = strongDecl.withGroup;
  else if (strongDecl?.withSeveral !== undefined && subjects >= 2) {
    const fits = strongDecl.sizeSlots ? r.symbols.every((x) => sizeGroupOf(x.symbol) !== undefined) : subjects <= symbolCapacity(lex.commands.find((c) => c.name === strongDecl.command));
    if (!fits) intent = strongDecl.withSeveral;
  }

  // "is QQQ above its 200 day?": the command that shows the moving averages answers.
  const averages = claiming('answersMovingAverages');
  if (r.movingAverage && averages) {
    if (subjects === 1 && (intent === undefined || decl(intent)?.yields || decl(intent)?.answersOne)) intent = averages.id;
    else if (intent !== averages.id) {
      const one = subjects === 1 ? `, e.g. "chart ${at(r.symbols, 0).symbol}"` : '';
      return { kind: 'unclear', why: `I answer moving-average questions with a chart of one symbol${one}: it shows the 50- and 200-day averages.`, prefer: [averages.id] };
    }
  }

  let against: { symbol: string; ahead: boolean } | undefined;
  if (intent === undefined) {
    const weak = new Set(r.weak);
    const weakSaid = (flag: keyof AskDeclaration) => intents.find((i) => i[flag] === true && weak.has(i.id));
    const group = claiming('answersGroup');
    const sizes = claiming('answersSizes');
    const level = claiming('answersLevel');
    const pair = claiming('answersPair');
    const one = claiming('answersOne');
    const lagging = intents.find((i) => i.lagging && i.benchmark !== undefined);
    const versus = intents.find((i) => !i.lagging && i.benchmark !== undefined);
    if (r.universe && group) intent = group.id;
    else if (subjects === 2 && weakSaid('weakAnswersTwo')) intent = weakSaid('weakAnswersTwo')?.id;
    else if (subjects >= 2) intent = sizeOnly && hasSmall && sizes ? sizes.id : pair?.id;
    else if (subjects === 1) {
      const only = at(r.symbols, 0);
      const lag = LAG_WORDS.some((w) => words.has(w));
      const lead = LEAD_WORDS.some((w) => words.has(w));
      const outperform = OUTPERFORM_WORDS.some((w) => words.has(w));
      if (only.size === 'small' && sizes) intent = sizes.id;
      // "how far is SPY from 600", "is SPY near 700": a price level.
      else if (r.level && level) intent = level.id;
      // "is tech leading or lagging", "is iwm outperforming": against the market, the benchmark /leaders uses.
      else if (versus?.benchmark !== undefined && only.symbol !== versus.benchmark && !(lagging && weak.has(lagging.id)) && r.unread.length === 0 && ((lag && lead) || outperform || (weak.has(versus.id) && !lag && !lead && !(one && weak.has(one.id))))) {
        intent = versus.id;
        against = { symbol: versus.benchmark, ahead: false };
      }
      // "is KRE lagging?", "how long has XLE been leading?": a streak against the market.
      else if (lagging?.benchmark !== undefined && only.symbol !== lagging.benchmark && (lag || ((lead || outperform) && weak.has(lagging.id)))) {
        intent = lagging.id;
        against = { symbol: lagging.benchmark, ahead: lag };
      } else if (group && weak.has(group.id) && isUniverseMember(only.symbol)) intent = group.id;
      else if (weakSaid('weakAnswersOne')) intent = weakSaid('weakAnswersOne')?.id;
      // Performance only when the question asks how it did ("how is KRE doing", "since june"), or is just the name ("KRE?").
      else if (one && (weak.has(one.id) || r.period || r.asof || r.unread.length === 0)) intent = one.id;
      else return { kind: 'unclear', why: "I couldn't tell which question you're asking.", prefer: intents.filter((i) => i.answersOne || i.weakAnswersOne || i.answersLevel).map((i) => i.id) };
    } else if (group && weak.has(group.id)) intent = group.id;
  }
  if (intent === undefined) {
    const nothing = subjects === 0 && !r.period && !r.universe && r.weak.length === 0 && r.vague.length === 0;
    return {
      kind: 'unclear',
      why: r.smallTalk && nothing ? "I'm here for market questions: ask in plain words." : nothing && r.unread.length === 0 ? "I couldn't find a question about the market in that." : "I couldn't tell which question you're asking.",
      prefer: [],
    };
  }
  // A command that shows fixed columns (/perf's 1D … 1Y): another period is measured by a command that takes it.
  const chosen = decl(intent);
  if (chosen?.columns && r.period && own(chosen.columns, r.period.token) === undefined) {
    const instead = subjects === 1 ? claiming('weakAnswersOne') : subjects >= 2 ? claiming('answersPair') : undefined;
    if (instead) intent = instead.id;
  }
  const final = decl(intent);
  if (!final) return { kind: 'unclear', why: "I can't answer that question here yet.", prefer: [] };
  if (subjects === 0 && !final.needsNoSymbol) {
    return { kind: 'unclear', why: `Which symbol? I read a question about ${final.topic} but no symbol I know.`, prefer: [intent] };
  }
  return { kind: 'intent', intent, ...(against ? { against } : {}) };
}

/** A lone "lagging" or "leading" measures against the market ("is KRE lagging?"). */
const LAG_WORDS: readonly string[] = ['lagging', 'lagged', 'laggard'];
const LEAD_WORDS: readonly string[] = ['leading', 'leader', 'led'];
const OUTPERFORM_WORDS: readonly string[] = ['outperforming', 'outperformed', 'outperform', 'beating', 'beat', 'ahead'];

function sizeGroupOf(symbol: string): SizeGroup | undefined {
  return (Object.keys(SIZE_GROUP_SYMBOLS) as SizeGroup[]).find((g) => SIZE_GROUP_SYMBOLS[g].includes(symbol));
}

type Filled = { parts: string[]; notes: string[] } | { problem: string };

/**
 * The command's options from what was read, by the kinds the command declares: symbols into its
 * symbol options, the period into its period option, the group into `universe`, the price into its
 * number option. Anything said that the command has no place for is a note on the Read-as line.
 */
function fillOptions(intent: IntentWords, cmd: AnyCommand, r: Reading, clean: string, ctx: PlanContext): Filled {
  const decls = Object.entries(cmd.options);
  const slash = shownCommand(cmd.name, ctx.commandName);
  const given = new Map<string, string>();
  const notes: string[] = [];
  let subjects = [...r.symbols];

  // "how long has the S&P been lagging the Russell": the Russell is the one ahead.
  if (intent.lagging && subjects.length === 2 && r.losingAt > at(subjects, 0).at && r.losingAt < at(subjects, 1).at) {
    subjects = [at(subjects, 1), at(subjects, 0)];
  }

  const universeDecl = decls.find(([name, d]) => name === 'universe' || (d.kind === 'choice' && r.universe !== undefined && d.choices.includes(r.universe.id)));
  const benchmark = decls.find(([, d]) => d.kind === 'symbol' && !d.required && !d.positional && 'default' in d && d.default !== undefined);

  if (intent.sizeSlots) {
    // Each symbol fills the option whose default stands for the same size group (small:, large:, mega:).
    for (const m of subjects) {
      const group = sizeGroupOf(m.symbol);
      const slot = decls.find(([, d]) => d.kind === 'symbol' && 'default' in d && typeof d.default === 'string' && group !== undefined && sizeGroupOf(d.default) === group);
      if (!slot) return { problem: `${slash} compares small, large and mega caps; "${m.said}" is none of those.` };
      if (slot[1].kind === 'symbol' && slot[1].default !== m.symbol) given.set(slot[0], m.symbol);
    }
    subjects = [];
  } else if (universeDecl) {
    const [uName] = universeDecl;
    const vsOnes = subjects.filter((m) => m.afterVs);
    let members = subjects.filter((m) => !m.afterVs);
    if (r.universe) {
      given.set(uName, r.universe.id);
      // "which sectors lead the nasdaq": a symbol beside a named group is the benchmark.
      vsOnes.push(...members);
      members = [];
    } else if (members.length === 1) {
      const one = at(members, 0);
      const home = UNIVERSES.find((u) => u.members.some((x) => x.symbol === one.symbol));
      if (home) given.set(uName, home.id);
      else vsOnes.push(one);
      members = [];
    }
    if (members.length > 0) given.set(uName, members.map((m) => m.symbol).join(' '));
    if (vsOnes.length > 1) return { problem: `${slash} measures against one benchmark; you named ${vsOnes.map((m) => m.symbol).join(' and ')}.` };
    const vs = vsOnes[0];
    if (vs) {
      if (!benchmark) return { problem: `${slash} has no benchmark to set to ${vs.symbol}.` };
      const [bName, bDecl] = benchmark;
      if (!('default' in bDecl) || bDecl.default !== vs.symbol) given.set(bName, vs.symbol);
    }
    subjects = [];
  }

  // Plain symbol options: a list option takes them all; single ones take one each, required first.
  const list = decls.find((e): e is [string, SymbolsOption] => e[1].kind === 'symbols');
  if (subjects.length > 0 || (list && list[1].required) || decls.some(([, d]) => d.kind === 'symbol' && d.required)) {
    if (list) {
      const [name, d] = list;
      if (subjects.length < d.min) return { problem: `${slash} needs ${d.min === 1 ? 'a symbol' : `${d.min} symbols`}; I read ${describeSymbols(subjects)}.` };
      if (subjects.length > d.max) return { problem: `${slash} takes at most ${d.max} symbols; I read ${subjects.length}.` };
      given.set(name, subjects.map((m) => m.symbol).join(' '));
    } else {
      const singles = decls.filter(([, d]) => d.kind === 'symbol' && (d.required || d.positional));
      const required = singles.filter(([, d]) => d.required).length;
      if (subjects.length < required) {
        return { problem: `${slash} needs ${required === 1 ? 'a symbol' : `${required} symbols`}; I read ${describeSymbols(subjects)}.` };
      }
      if (subjects.length > singles.length) {
        return { problem: `${slash} takes ${singles.length === 1 ? 'one symbol' : `${singles.length} symbols`}; I read ${describeSymbols(subjects)}.` };
      }
      singles.forEach(([name], k) => {
        const m = subjects[k];
        if (m) given.set(name, m.symbol);
      });
    }
  }

  const periodDecl = decls.find(([, d]) => d.kind === 'period');
  if (r.period) {
    if (periodDecl) given.set(periodDecl[0], r.period.token);
    else {
      // "how did SPY do in 2024": one of the columns the command shows (as of the date asked about).
      const column = own(intent.columns ?? {}, r.period.token);
      notes.push(column !== undefined ? `"${r.period.said}" is the ${column} column` : `${slash} takes no period${intent.noPeriod ? ` (${intent.noPeriod})` : ''}, so "${r.period.said}" was left out`);
    }
  }
  const numberDecl = decls.find(([, d]) => d.kind === 'number');
  if (r.level) {
    if (numberDecl) given.set(numberDecl[0], String(r.level.value));
    else notes.push(`${slash} takes no price level, so "${r.level.said}" was left out`);
  }
  const words = tokenize(clean).map((t) => t.word);
  for (const [name, d] of decls) {
    if (d.kind === 'choice') {
      const chosen = words.map((w) => own(CHOICE_SYNONYMS, w) ?? w).find((w) => d.choices.includes(w) && w !== d.default);
      if (chosen !== undefined && !given.has(name)) given.set(name, chosen);
    }
    // /help COMMAND: a command's name said in a help question.
    if (d.kind === 'text' && intent.aboutTapebot && !given.has(name)) {
      const about = r.strong.filter((i) => i !== intent.id);
      const named = [...about, ...words].find((w) => w !== intent.id && ctx.lexicon.commands.some((c) => c.name === w));
      if (named) given.set(name, named);
    }
  }
  if (r.asof) {
    if (cmd.usesMarketData !== false) given.set('asof', r.asof.date);
    else notes.push(`${slash} does not use prices, so "${r.asof.said}" was left out`);
  }
  if (r.extreme && cmd.usesMarketData === false) notes.push(`${slash} does not use prices, so "${r.extreme.said}" was left out`);
  return { parts: renderParts(decls, given), notes };
}

function describeSymbols(list: readonly SymbolMention[]): string {
  if (list.length === 0) return 'none';
  return list.map((m) => m.symbol).join(', ');
}

/** The options as typed: positional ones as bare words in declaration order, the period as its token, the rest as name:value. */
function renderParts(decls: readonly [string, OptionDecl][], given: ReadonlyMap<string, string>): string[] {
  const parts: string[] = [];
  for (const [name, d] of decls) {
    const v = given.get(name);
    if (v === undefined) continue;
    if (d.positional || d.kind === 'period') parts.push(v);
    else parts.push(`${name}:${v}`);
  }
  const asof = given.get('asof');
  if (asof !== undefined) parts.push(`asof:${asof}`);
  return parts;
}

/** "I read … / I couldn't … / Questions that work: …", always well under the chat limits. */
function clarification(r: Reading | undefined, problem: string, shown: readonly string[], ctx: PlanContext): string {
  const lines: string[] = [];
  const understood = r ? understoodParts(r, ctx.lexicon) : [];
  if (understood.length > 0) lines.push(`I read: ${understood.join(', ')}.`);
  // The words nothing matched ("semis"), unless the problem already quotes them.
  const unread = (r?.unread ?? []).filter((w) => !problem.toLowerCase().includes(w)).slice(0, 3);
  if (unread.length > 0) lines.push(`I don't know ${unread.map((w) => echo(w)).join(unread.length === 2 ? ' or ' : ', ')}.`);
  lines.push(problem);
  if (shown.length > 0) {
    lines.push('Questions that work:');
    for (const q of shown) lines.push(`• ${q}`);
  }
  lines.push(`Or type ${shownCommand('help', ctx.commandName)} for the commands.`)
  const text = lines.join('\n');
  return text.length <= MAX_CLARIFY_CHARS ? text : `${text.slice(0, MAX_CLARIFY_CHARS - 1)}…`;
}

function understoodParts(r: Reading, lex: Lexicon): string[] {
  const parts: string[] = [];
  const topics = r.strong.map((i) => lex.intents.find((x) => x.id === i)?.topic ?? i);
  if (topics.length > 0) parts.push(`a question about ${topics.slice(0, 3).join(' and ')}`);
  for (const m of r.symbols.slice(0, 6)) {
    const plain = m.said.replace(/^\$/, '').toUpperCase() === m.symbol.replace(/^\^/, '') || m.said.toUpperCase() === m.symbol;
    parts.push(plain ? m.symbol : `"${m.said}" (${m.symbol})`);
  }
  if (r.universe) parts.push(`"${r.universe.said}" (${r.universe.id})`);
  if (r.period) parts.push(`"${r.period.said}" (${r.period.token})`);
  if (r.asof) parts.push(`"${r.asof.said}" (asof:${r.asof.date})`);
  if (r.extreme) parts.push(`"${r.extreme.said}" (the ${r.extreme.which === 'low' ? 'lowest' : 'highest'} close of ${r.extreme.year}, ${r.extreme.of})`);
  if (r.level) parts.push(`the level ${r.level.value}`);
  return parts;
}

/** Example questions that work, tailored to the symbol the question named when there is one. */
function examples(ctx: PlanContext, r: Reading | undefined, prefer: readonly IntentId[]): string[] {
  const intents = ctx.lexicon.intents;
  const s = r?.symbols[0]?.symbol;
  // The market for {other}, or for a question about the market itself, another fund the directory has.
  const market = ctx.lexicon.market;
  const other = market !== undefined && s !== market ? market : (ctx.symbols.list().find((x) => x.kind === 'etf' && x.symbol !== s)?.symbol ?? '');
  const order: IntentWords[] = [...prefer.flatMap((id) => intents.filter((i) => i.id === id)), ...intents];
  const candidates: string[] = [];
  for (const i of order) {
    if (s && i.tailored) candidates.push(i.tailored.replace('{symbol}', s).replace('{other}', other));
    candidates.push(...i.examples);
  }
  const out: { q: string; command: string }[] = [];
  for (const q of candidates) {
    if (out.length >= 3) break;
    // Only questions that really read as a command here (these commands, these symbols), one per command.
    const p = plan(q, ctx, false);
    if (p.kind === 'run' && !out.some((o) => o.command === p.name)) out.push({ q, command: p.name });
  }
  return out.map((o) => o.q);
}
