/**
 * The command runner: text or raw options in, an Answer or a friendly error out. Every adapter
 * (console, CLI, Discord, Slack, mentions, digests) calls this one function, so validation,
 * "as of" handling, warnings and error wording are the same everywhere.
 */
import { distance } from 'fastest-levenshtein';
import { FIRST_LINE_MAX, plainText, type Answer } from '../answer/answer.ts';
import { chartName } from '../answer/names.ts';
import { formatDate } from '../core/format.ts';
import type { Period } from '../core/periods.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, truncateAsOf, type DailySeries } from '../core/series.ts';
import { splitFactorAfter, splitsAfter, undoSplits, type Split } from '../core/splits.ts';
import { calendarFor, EVERY_DAY_CALENDAR, NYSE_CALENDAR } from '../data/calendar.ts';
import type { MarketData, Staleness } from '../data/market-data.ts';
import type { StatusReport } from '../data/providers/status.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import type { DigestBackend } from '../digest/backend.ts';
import { describeError, newErrorRef, ProviderError, RateLimitedError, ShuttingDownError, UnknownSymbolError, UserInputError, type DescribedError } from '../errors.ts';
import type { SymbolLookup } from '../data/symbol-lookup.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { bindOptions } from './bind.ts';
import type { AnyCommand, ChannelContext, CommandContext, CommandSummary, Invocation, RunInvocation } from './define.ts';
import { parseCommandText } from './parse.ts';
import { at } from '../core/at.ts';

/**
 * Who asked, and where — what every adapter passes with a command. The ids key the rate limits
 * (per person, per channel) and go on every log line of the command. Any other field (interaction
 * id, "via: button") is only logged.
 */
export interface RunMeta {
  /** Which adapter the command came through: 'discord', 'slack', 'console', 'cli', 'digest'. */
  readonly platform?: string;
  /** The person's platform user id. Absent (the console, a scheduled digest): no per-person limit. */
  readonly userId?: string;
  /** The conversation's id (Discord channel, Slack channel or DM). Absent: no per-channel limit. */
  readonly channelId?: string;
  /** An id the adapter already logs under; otherwise the runner makes one. */
  readonly requestId?: string;
  /**
   * Set by `admit`: this command's tokens are already taken, so `run` does not charge again. Good for
   * one run only, and only when it came from `admit` (a hand-made value is ignored).
   */
  readonly admitted?: AdmissionTicket;
  readonly [field: string]: unknown;
}

/** Proof that `admit` let a command in; opaque outside the runner. */
export interface AdmissionTicket {
  readonly __admissionTicket: never;
}

/**
 * `admit`'s verdict. Refused: the words for the person ("Slow down a little — try again in 3 s.",
 * "I’m restarting…"), already logged and counted under `ref`.
 */
export type Admission =
  | { ok: true; meta: RunMeta }
  | { ok: false; error: DescribedError; ref: string; cause: unknown };

/** What the runner needs from the limiter (src/ops/limits.ts). */
export interface CommandLimiter {
  /** Rejects with RateLimitedError when this person or channel must wait. */
  check(who: { platform?: string | undefined; userId?: string | undefined; channelId?: string | undefined }): Promise<void>;
}

/** Admission to work in flight (src/ops/shutdown.ts): null once tapebot is shutting down. */
export interface CommandGate {
  enter(): (() => void) | null;
}

/** How a command ended, for metrics: `ok`, an error's audience, or refused before running. */
export type RunOutcome = 'ok' | 'user' | 'retry' | 'internal' | 'limited' | 'restarting';

export type { Invocation } from './define.ts';

export type RunResult =
  | { ok: true; answer: Answer; ms: number; requestId?: string }
  /** `ref` is the command's request id: the chat message and every log line of the command carry it. */
  | { ok: false; error: DescribedError; ref: string; ms: number; cause: unknown };

export interface CommandRunnerDeps {
  commands: readonly AnyCommand[];
  market: MarketData;
  symbols: SymbolDirectory;
  logger?: Logger;
  /** With a live provider: its symbol search, for suggestions when it has no such ticker. */
  lookup?: SymbolLookup | undefined;
  /** The symbol whose newest close defines "the latest close" (default SPY). */
  referenceSymbol?: string;
  /** Provider and cache health, handed to commands as `ctx.status` (/status). */
  status?: () => StatusReport;
  /** The digest store, handed to commands as `ctx.digests` (/digest, /watch, /alert). */
  digests?: DigestBackend;
  /** Per-person and per-channel limits; none when absent. */
  limiter?: CommandLimiter;
  /** Refuses new commands while shutting down, and counts the ones in flight. */
  gate?: CommandGate;
  /**
   * The most time one answer waits for live market data (ANSWER_BUDGET_S): past it, the providers
   * stop retrying and failing over, and the bundled or cached prices answer, labelled. None: the
   * market data's own limits apply.
   */
  answerBudgetMs?: number;
  /** Told how every command ended (metrics). `command` is "(unknown)" for names that are not commands. */
  onDone?: (e: { command: string; platform: string | undefined; outcome: RunOutcome; ms: number }) => void;
}

export interface CommandRunner {
  readonly commands: readonly AnyCommand[];
  find(name: string): AnyCommand | undefined;
  /** Runs `/name words key:value` text. Never throws. */
  runText(text: string, meta?: RunMeta, channel?: ChannelContext): Promise<RunResult>;
  /** Runs an already-split invocation (Discord options, period buttons). Never throws. */
  run(invocation: Invocation, meta?: RunMeta): Promise<RunResult>;
  /**
   * Runs a command for another part of tapebot (the digest service; a command's `ctx.run` goes
   * through it too): the same binding, "as of" handling and glance as `run`, without a rate limit,
   * gate, log line or metric of its own (its caller has those). A refusal or failure throws its error.
   */
  invoke: RunInvocation;
  /**
   * Takes this person's and channel's rate-limit tokens now, before an adapter shows anything, so a
   * refusal can be its first and only reply (Discord: an ephemeral reply instead of a public
   * "thinking…"). Also refuses while shutting down. Admitted: pass the returned `meta` to `run`,
   * which then does not take tokens again. `command` names the command for logs and metrics.
   * Never throws.
   */
  admit(meta: RunMeta, command?: string): Promise<Admission>;
}

/**
 * "XLK prices are as traded on May 15, 2023, before its 2:1 split of Dec 5, 2025 (today's split-adjusted
 * prices are 1/2 of these)."
 */
export function asTradedNote(symbol: string, splits: readonly Split[], asOf: string): string {
  const f = splitFactorAfter(splits, asOf);
  const named = splits.map((x) => `${ratioText(x.ratio)} split of ${formatDate(x.date)}`).join(' and ');
  const share = Number.isInteger(f) ? `1/${f}` : `${(1 / f).toFixed(4)}×`;
  return `${symbol} prices are as traded on ${formatDate(asOf)}, before its ${named} (today's split-adjusted prices are ${share} of these).`;
}

function ratioText(r: number): string {
  return r >= 1 ? `${r}:1` : `1:${Math.round(1 / r)}`;
}

export function createCommandRunner(deps: CommandRunnerDeps): CommandRunner {
  const logger = deps.logger ?? silentLogger;
  const reference = deps.referenceSymbol ?? 'SPY';
  const byName = new Map(deps.commands.map((c) => [c.name, c]));
  /** Tickets `admit` handed out and `run` has not used yet: each lets exactly one run skip the limiter. */
  const unused = new WeakSet<AdmissionTicket>();
  /** What /help reads: the declarations, not the commands' `run`. */
  const catalogue: readonly CommandSummary[] = deps.commands.map(({ run: _run, ...declared }) => declared);

  function unknownCommand(name: string): UserInputError {
    const near = deps.commands
      .map((c) => ({ c: c.name, d: distance(c.name, name) }))
      .filter((x) => x.d <= 3)
      .sort((a, b) => a.d - b.d)
      .slice(0, 2)
      .map((x) => `/${x.c}`);
    return new UserInputError(`There is no /${name} command.`, near.length ? `Did you mean ${near.join(' or ')}? Or try /help.` : 'Try /help for the list.');
  }

  /**
   * A live provider that has no such symbol: suggest what its symbol search finds for it (cached,
   * rate-limited; a failed or slow search leaves the provider's own message).
   */
  async function withLiveSuggestions(err: unknown, symbol: string): Promise<unknown> {
    const lookup = deps.lookup;
    if (!lookup || !(err instanceof ProviderError) || err.failure !== 'not-found' || deps.symbols.isKnown(symbol)) return err;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 3_000)));
    const hits = await Promise.race([lookup.lookup(symbol).catch(() => undefined), late]);
    clearTimeout(timer);
    const near = (hits ?? []).map((h) => h.symbol).filter((s) => s !== symbol.toUpperCase()).slice(0, 3);
    return near.length > 0 ? new UnknownSymbolError(symbol, near) : err;
  }

  async function execute(inv: Invocation): Promise<Answer> {
    const cmd = byName.get(inv.name);
    if (!cmd) throw unknownCommand(inv.name);
    const bound = bindOptions(cmd, inv.args, deps.symbols);
    if (deps.answerBudgetMs === undefined || cmd.usesMarketData === false) return answer(cmd, bound, inv, undefined);
    // One budget for the whole answer, however many symbols it loads.
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error(`answer budget of ${deps.answerBudgetMs} ms spent`)), deps.answerBudgetMs);
    try {
      return await answer(cmd, bound, inv, ac.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `ctx.run` of command `caller`, answering as of `asOf`, in `channel`: the invocation's own `asof`
   * and channel win. A command that runs itself would never end, so that is refused.
   */
  function nested(caller: AnyCommand, asOf: string, channel: ChannelContext | undefined, inv: Invocation): Promise<Answer> {
    if (inv.name === caller.name) return Promise.reject(new Error(`/${caller.name} tried to run itself`));
    const target = byName.get(inv.name);
    const dated = asOf !== '' && target?.usesMarketData !== false && inv.args.named.asof === undefined;
    const args = dated ? { ...inv.args, named: { ...inv.args.named, asof: asOf } } : inv.args;
    const where = inv.channel ?? channel;
    return execute({ name: inv.name, args, ...(where ? { channel: where } : {}) });
  }

  async function answer(cmd: AnyCommand, bound: ReturnType<typeof bindOptions>, inv: Invocation, budget: AbortSignal | undefined): Promise<Answer> {
    const load = { ...(budget ? { budget } : {}) };
    const warnings: string[] = [];
    /** The market data's own warnings for a symbol (stale cache, live data down), once each. */
    const noteFor = (symbol: string): void => {
      for (const n of deps.market.notes?.(symbol) ?? []) if (!warnings.includes(n)) warnings.push(n);
    };
    let asOf = '';
    /** The symbols the command was given (defaults included): all crypto means the answer runs on their every-day calendar. */
    const subjects = Object.entries(cmd.options).flatMap(([name, decl]) => {
      const v = bound.options[name];
      if (decl.kind === 'symbol' && typeof v === 'string') return [v];
      if (decl.kind === 'symbols' && Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
      return [];
    });
    const everyDayOnly = subjects.length > 0 && subjects.every((s) => calendarFor(s, deps.symbols.info(s)?.kind).id === 'every-day');
    // NYSE stays the reference calendar; an answer about crypto alone (BTC-USD) is as of its own days, weekends included.
    const cal = everyDayOnly ? EVERY_DAY_CALENDAR : NYSE_CALENDAR;
    const refSymbol = everyDayOnly ? at(subjects, 0) : reference;
    if (cmd.usesMarketData !== false) {
      const ref = await deps.market.series(refSymbol, load);
      noteFor(refSymbol);
      const latest = lastDate(ref);
      if (bound.asof !== undefined) {
        // A weekend or holiday just after the latest close is that close, like any other non-trading day.
        if (bound.asof > latest && !cal.isTradingDay(bound.asof) && cal.previousTradingDay(bound.asof) <= latest) {
          asOf = latest;
          warnings.push(`${formatDate(bound.asof)} was not a trading day; answering as of the close of ${formatDate(asOf)}.`);
        } else if (bound.asof > latest) {
          throw new UserInputError(`${formatDate(bound.asof)} is after the latest close I have (${formatDate(latest)}).`, 'Leave out asof for the latest close.');
        } else {
          const i = indexOnOrBefore(ref.dates, bound.asof);
          if (i >= 0) asOf = at(ref.dates, i);
          else {
            // Before the reference's first day (SPY: Jan 29, 1993): the asked symbols' own calendars decide,
            // so ^GSPC answers as of 1987. The latest of their closes on or before the date.
            const own = await Promise.all(subjects.map((sym) => deps.market.series(sym, load).then((x) => x.dates, () => [] as readonly string[])));
            let best = '';
            let first = ref.dates[0] ?? latest;
            for (const ds of own) {
              const k = indexOnOrBefore(ds, bound.asof);
              if (k >= 0 && at(ds, k) > best) best = at(ds, k);
              if (ds[0] !== undefined && ds[0] < first) first = ds[0];
            }
            if (best === '') throw new UserInputError(`${formatDate(bound.asof)} is before the start of the data (${formatDate(first)}).`);
            asOf = best;
          }
          if (asOf !== bound.asof) warnings.push(`${formatDate(bound.asof)} was not a trading day; answering as of the close of ${formatDate(asOf)}.`);
        }
      } else {
        asOf = latest;
      }
      // A period that starts on or after the answer's own close measures nothing: refuse it rather
      // than report a 0.0% change.
      for (const [name, decl] of Object.entries(cmd.options)) {
        const value = bound.options[name];
        const p = decl.kind === 'period' ? (value as Period | undefined) : undefined;
        if (decl.kind === 'period' && p?.kind === 'since' && p.date >= asOf) {
          throw new UserInputError(`since:${p.date} is not before the close this answer is as of (${formatDate(asOf)}).`, 'Pick a start date before it, or a period such as 1m or ytd.');
        }
      }
    }
    /** Every symbol the command loaded, for the basis note below. */
    const loaded = new Set<string>();
    /** Symbols whose data ends before the answer's close, and their last close. */
    const endsEarly = new Map<string, string>();
    /** Symbols the command left out of its answer (see CommandContext.leaveOut). */
    const leftOut = new Set<string>();
    const ctx: CommandContext = {
      asOf,
      symbols: deps.symbols,
      sourceLabel: deps.market.sourceLabel,
      catalogue,
      run: (other) => nested(cmd, asOf, inv.channel, other),
      ...(inv.channel ? { channel: inv.channel } : {}),
      ...(deps.status ? { status: deps.status } : {}),
      ...(deps.digests ? { digests: deps.digests } : {}),
      warn: (m) => {
        if (!warnings.includes(m)) warnings.push(m);
      },
      leaveOut: (symbol) => {
        endsEarly.delete(symbol);
        leftOut.add(symbol);
      },
      async series(symbol: string): Promise<DailySeries> {
        const full = await deps.market.series(symbol, load).catch(async (err: unknown) => {
          throw await withLiveSuggestions(err, symbol);
        });
        noteFor(symbol);
        loaded.add(full.symbol);
        // Prices as they traded on the as-of date: splits that came after it are data from after it.
        // Splits from the manifest (bundled data) and from the live provider's split events, once each.
        const known = [...(deps.symbols.info(full.symbol)?.splits ?? []), ...(deps.market.splits?.(full.symbol) ?? [])];
        const splits = splitsAfter(known.filter((x, i) => known.findIndex((y) => y.date === x.date) === i), asOf);
        const cut = truncateAsOf(full, asOf);
        const s = splits.length > 0 && cut.dates.length > 0 ? undoSplits(cut, splits, asOf) : cut;
        if (splits.length > 0 && cut.dates.length > 0) ctx.warn(asTradedNote(full.symbol, splits, asOf));
        if (s.dates.length === 0) {
          throw new NotEnoughDataError(`${symbol} has no data on or before ${formatDate(asOf)}; its history starts ${formatDate(full.dates[0] ?? asOf)}`, symbol);
        }
        const last = lastDate(s);
        if (last < asOf && !leftOut.has(full.symbol)) endsEarly.set(full.symbol, last);
        return s;
      },
    };
    const answer = await cmd.run(ctx, bound.options);
    if (endsEarly.size > 0) return asOfCommonClose(cmd, bound, inv, budget, endsEarly, asOf.slice(0, 4));
    const basisNote = indexBasisNote(answer.basis, [...loaded], deps.symbols);
    if (basisNote.mixed) warnings.push(basisNote.mixed);
    // What the market data says against its own figures leads the answer, before any of them.
    const used = cmd.usesMarketData === false ? [] : [...new Set([reference, ...loaded])];
    const staleLine = stalenessLine(used, deps.market);
    const lead = [...(staleLine ? [staleLine] : []), ...used.flatMap((s) => deps.market.doubts?.(s) ?? []).map((d) => `⚠ ${d}`)];
    const calendarNote = mixedCalendarNote([...loaded], deps.symbols);
    if (calendarNote && !warnings.includes(calendarNote)) warnings.push(calendarNote);
    const lines = [...lead, ...answer.lines];
    const glance = cmd.usesMarketData === false ? { lines, detail: answer.detail ?? [] } : atAGlance(lines, answer.detail ?? []);
    return {
      ...answer,
      lines: glance.lines,
      ...(glance.detail.length > 0 ? { detail: glance.detail } : {}),
      ...(basisNote.basis ? { basis: basisNote.basis } : {}),
      args: { ...bound.canonical, ...answer.args },
      warnings: [...warnings, ...answer.warnings.filter((w) => !warnings.includes(w))],
    };
  }

  /**
   * When a symbol's data ends before the latest close (KRE on Jul 2 while the rest run to Aug 21),
   * the answer mixes days silently. Instead the whole answer is as of the common last close, and its
   * first line says so: "As of Jul 2, the last close I have for KRE: …".
   */
  async function asOfCommonClose(cmd: AnyCommand, bound: ReturnType<typeof bindOptions>, inv: Invocation, budget: AbortSignal | undefined, endsEarly: ReadonlyMap<string, string>, latestYear: string): Promise<Answer> {
    const common = at([...endsEarly.values()].sort(), 0);
    const which = [...endsEarly].filter(([, d]) => d === common).map(([s]) => chartName(s));
    const again = await answer(cmd, { ...bound, asof: common }, inv, budget);
    // "Jul 2" within the year of the latest close, "Jul 2, 2025" before it.
    const day = common.slice(0, 4) === latestYear ? formatDate(common).replace(/, \d{4}$/, '') : formatDate(common);
    const names = which.join(' and ');
    const say = `As of ${day}, the last close I have for ${names}:`;
    const [first, ...rest] = again.lines;
    // The day is said once, up front: "… made the cut on Oct 1, 2026." loses its " on Oct 1, 2026".
    const once = first?.replace(` on ${formatDate(common)}`, '');
    if (once === undefined) return { ...again, lines: [say] };
    // The first line stays under FIRST_LINE_MAX: a long verdict gets the shorter lead.
    const lead = plainText(`${say} ${once}`).length < FIRST_LINE_MAX ? say : `As of ${day} (last close for ${names}):`;
    return { ...again, lines: [`${lead} ${once}`, ...rest] };
  }

  /** The meta's ids, falling back to the older field names (adapter/user/channel) and the invocation's channel. */
  function requester(meta: RunMeta, channel: ChannelContext | undefined): { platform: string | undefined; userId: string | undefined; channelId: string | undefined } {
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
    return {
      platform: str(meta.platform) ?? str(meta.adapter) ?? channel?.platform,
      userId: str(meta.userId) ?? str(meta.user) ?? channel?.userId,
      channelId: str(meta.channelId) ?? str(meta.channel) ?? channel?.id,
    };
  }

  function outcomeOf(cause: unknown, error: DescribedError): RunOutcome {
    if (cause instanceof RateLimitedError) return 'limited';
    if (cause instanceof ShuttingDownError) return 'restarting';
    return error.audience;
  }

  /** Logs and counts one command's end; shared by `run` and `admit`. */
  function reporter(name: string, meta: RunMeta, who: { platform: string | undefined }, requestId: string) {
    const { admitted: _ticket, ...logged } = meta;
    const log = logger.child({ ...logged, requestId, command: name.slice(0, 64) });
    const command = byName.has(name) ? name : '(unknown)';
    const done = (outcome: RunOutcome, ms: number) => {
      try {
        deps.onDone?.({ command, platform: who.platform, outcome, ms });
      } catch (err) {
        log.warn({ err }, 'command observer failed');
      }
    };
    /** A refusal or failure, logged (with the detail when it is ours) and counted; the words for people. */
    const failed = (cause: unknown, ms: number): DescribedError => {
      const error = describeError(cause, requestId);
      const outcome = outcomeOf(cause, error);
      // `ref` too: the name every error log line in tapebot gives the reference people see.
      if (error.audience === 'internal') log.error({ ref: requestId, ms: Math.round(ms), outcome, err: cause }, 'command failed');
      else log.info({ ref: requestId, ms: Math.round(ms), outcome, reason: error.message }, 'command refused');
      done(outcome, ms);
      return error;
    };
    return { log, done, failed };
  }

  async function admit(meta: RunMeta, name = '(unknown)'): Promise<Admission> {
    const started = performance.now();
    const requestId = requestIdOf(meta.requestId) ?? newErrorRef();
    const who = requester(meta, undefined);
    try {
      // Only a peek at the gate: the work is counted in flight when `run` enters it.
      const release = deps.gate ? deps.gate.enter() : () => {};
      if (!release) throw new ShuttingDownError();
      release();
      if (deps.limiter) await deps.limiter.check(who);
      const ticket = {} as AdmissionTicket;
      unused.add(ticket);
      // The request id goes along, so the admission and the run log under one id.
      return { ok: true, meta: { ...meta, requestId, admitted: ticket } };
    } catch (cause) {
      const error = reporter(name, meta, who, requestId).failed(cause, performance.now() - started);
      return { ok: false, error, ref: requestId, cause };
    }
  }

  async function run(inv: Invocation, meta: RunMeta = {}): Promise<RunResult> {
    const started = performance.now();
    const requestId = requestIdOf(meta.requestId) ?? newErrorRef();
    const who = requester(meta, inv.channel);
    const { log, done, failed } = reporter(inv.name, meta, who, requestId);
    // A ticket counts once: a second run with the same meta is charged like any other.
    const prepaid = meta.admitted !== undefined && unused.delete(meta.admitted);
    const release = deps.gate ? deps.gate.enter() : () => {};
    try {
      if (!release) throw new ShuttingDownError();
      if (deps.limiter && !prepaid) await deps.limiter.check(who);
      const answer = await execute(inv);
      const ms = performance.now() - started;
      log.info({ ms: Math.round(ms), outcome: 'ok' }, 'command answered');
      done('ok', ms);
      return { ok: true, answer, ms, requestId };
    } catch (cause) {
      const ms = performance.now() - started;
      const error = failed(cause, ms);
      return { ok: false, error, ref: requestId, ms, cause };
    } finally {
      release?.();
    }
  }

  return {
    commands: deps.commands,
    find: (name) => byName.get(name),
    run,
    invoke: execute,
    admit,
    async runText(text, meta, channel) {
      try {
        const parsed = parseCommandText(text);
        return await run({ name: parsed.name, args: parsed.args, ...(channel ? { channel } : {}) }, meta);
      } catch (cause) {
        const ref = requestIdOf(meta?.requestId) ?? newErrorRef();
        const error = describeError(cause, ref);
        logger.info({ ...meta, requestId: ref, ref, outcome: error.audience, reason: error.message }, 'command refused');
        try {
          deps.onDone?.({ command: '(unknown)', platform: requester(meta ?? {}, channel).platform, outcome: error.audience, ms: 0 });
        } catch {
          // metrics must never turn a refusal into a throw
        }
        return { ok: false, error, ref, ms: 0, cause };
      }
    },
  };
}

/**
 * The first line of an answer built on live data whose newest bar is more than two completed NYSE
 * sessions old (MarketData.staleness; never for the bundled offline prices), e.g.
 * "⚠ Stale data: the newest close I have for SPY and IWM is from Aug 21, 2026, 5 trading days ago."
 */
export function stalenessLine(symbols: readonly string[], market: MarketData): string | undefined {
  const stale = [...new Set(symbols)].map((s) => market.staleness?.(s)).filter((x): x is Staleness => x !== undefined);
  if (stale.length === 0) return undefined;
  const oldest = stale.reduce((a, b) => (b.lastDate < a.lastDate ? b : a));
  const names = stale.map((x) => x.symbol);
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const sameDay = stale.every((x) => x.lastDate === oldest.lastDate);
  return sameDay
    ? `⚠ Stale data: the newest close I have for ${who} is from ${formatDate(oldest.lastDate)}, ${oldest.sessions} trading days ago.`
    : `⚠ Stale data: the newest closes I have for ${who} are as old as ${formatDate(oldest.lastDate)}, ${oldest.sessions} trading days ago.`;
}

/**
 * Crypto trades every day, exchange-traded series on NYSE days: where an answer sets one beside the
 * other, the comparison runs on the exchange's days (the common dates), and the answer says so.
 */
export function mixedCalendarNote(symbols: readonly string[], directory: SymbolDirectory): string | undefined {
  const everyDay = symbols.filter((s) => calendarFor(s, directory.info(s)?.kind).id === 'every-day');
  const exchange = symbols.filter((s) => !everyDay.includes(s));
  if (everyDay.length === 0 || exchange.length === 0) return undefined;
  const names = everyDay.join(', ');
  return `${names} ${everyDay.length === 1 ? 'trades' : 'trade'} every day; beside ${exchange.join(', ')} ${everyDay.length === 1 ? 'it is' : 'they are'} compared on NYSE trading days only (weekend moves count in the next session).`;
}

/** A request id passed in by an adapter, if it is a short printable one (it is shown to people as the reference). */
function requestIdOf(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(v) ? v : undefined;
}

/**
 * Index levels (^GSPC, ^RUT…) carry no dividends: where an answer speaks of total return, their
 * returns are price returns, and beside a fund (whose total return includes its dividends) part of
 * the gap is dividends. Says both, rather than let "total return" stand for an index.
 */
export function indexBasisNote(basis: string | undefined, symbols: readonly string[], directory: SymbolDirectory): { basis?: string; mixed?: string } {
  // A basis that already names price returns (a /compare of indexes and funds) has said it, once.
  if (!basis || !/total return/i.test(basis) || /price return/i.test(basis)) return {};
  const isIndex = (sym: string) => directory.info(sym)?.kind === 'index' || sym.startsWith('^');
  // A bundled series the manifest marks `adjusted: false` has no dividends in it: price return only.
  const isPriceOnly = (sym: string) => !isIndex(sym) && directory.info(sym)?.adjusted === false;
  const indexes = symbols.filter(isIndex);
  const priceOnly = symbols.filter(isPriceOnly);
  if (indexes.length === 0 && priceOnly.length === 0) return {};
  const funds = symbols.filter((sym) => !isIndex(sym) && !isPriceOnly(sym));
  const parts: string[] = [];
  if (indexes.length > 0) {
    const names = indexes.join(', ');
    parts.push(`${names} ${indexes.length === 1 ? 'is an index level' : 'are index levels'}, with no dividends: ${indexes.length === 1 ? 'its returns are price returns' : 'their returns are price returns'}.`);
  }
  if (priceOnly.length > 0) {
    const names = priceOnly.join(', ');
    parts.push(`${names}: price return only (the offline data has no dividends for ${priceOnly.length === 1 ? 'it' : 'them'}).`);
  }
  const out: { basis: string; mixed?: string } = { basis: `${basis} ${parts.join(' ')}` };
  const priceSeries = [...indexes, ...priceOnly];
  if (funds.length > 0) {
    out.mixed =
      indexes.length > 0 && priceOnly.length === 0
        ? `${indexes.join(', ')} ${indexes.length === 1 ? 'is a price index' : 'are price indexes'} and ${funds.join(', ')} total return: part of the gap between them is dividends.`
        : `${priceSeries.join(', ')} ${priceSeries.length === 1 ? 'is' : 'are'} price return only and ${funds.join(', ')} total return: part of the gap between them is dividends.`;
  }
  return out;
}

/** Lines an answer shows at a glance, besides its tables; the rest waits behind More (Answer.detail). */
export const GLANCE_LINES = 6;

/** A line that is a table (a fenced block): it does not count against the glance. */
export const isTable = (line: string): boolean => line.startsWith('```');

/**
 * The first GLANCE_LINES lines that are not tables, and the tables among them, stay; later lines move to
 * the front of the detail, in order. Commands put what matters first, so this only cuts the tail.
 */
export function atAGlance(lines: readonly string[], detail: readonly string[]): { lines: string[]; detail: string[] } {
  const keep: string[] = [];
  const moved: string[] = [];
  let words = 0;
  for (const line of lines) {
    if (isTable(line) ? moved.length > 0 : words >= GLANCE_LINES) moved.push(line);
    else {
      keep.push(line);
      if (!isTable(line)) words++;
    }
  }
  return { lines: keep, detail: [...moved, ...detail] };
}
