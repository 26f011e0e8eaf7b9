/**
 * Intents: the words that say which question is asked, from the commands' ask declarations (strong,
 * weak and vague words), and the questions around them: what tapebot cannot answer ("RSI", "why"),
 * moving averages (/chart draws the 50- and 200-day ones), advice-shaped words, small talk.
 */
import type { Payload } from '../lexicon.ts';
import { CHART_AVERAGES } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

function lean(list: string[], intent: string): void {
  if (!list.includes(intent)) list.push(intent);
}

/** "the 20 day moving average": a length /chart does not draw ("20 day" was read as a period just before). */
function movingAverage(st: ReadingState, at: number, words: number): void {
  const before = st.word(at - 1);
  const days = /^(\d{1,3})d?(?:ay)?$/.exec(before)?.[1] ?? (/^(?:day|days|d|period)$/.test(before) && /^\d{1,3}$/.test(st.word(at - 2)) ? st.word(at - 2) : undefined);
  if (days === undefined || CHART_AVERAGES.includes(Number(days))) {
    st.movingAverage ??= { said: st.said(at, words) };
    return;
  }
  const from = /^\d/.test(before) ? at - 1 : at - 2;
  for (let k = st.periods.length - 1; k >= 0; k--) if ((st.periods[k]?.at ?? -1) >= from) st.periods.splice(k, 1);
  st.unsupported ??= `I can't answer questions about the "${st.said(from, at - from + words)}": I show the 50- and 200-day moving averages only, on a chart.`;
}

export function intentPhrase(st: ReadingState, p: Payload, at: number, words: number): boolean {
  switch (p.kind) {
    case 'strong':
      lean(st.strong, p.intent);
      return true;
    case 'weak':
      lean(st.weak, p.intent);
      return true;
    case 'vague':
      lean(st.vague, p.intent);
      return true;
    case 'unsupported':
      st.unsupported ??= p.reply.replace('{said}', st.said(at, words));
      return true;
    case 'average':
      movingAverage(st, at, words);
      return true;
    case 'smalltalk':
      st.smallTalk = true;
      return true;
    case 'advice':
      st.advice = true;
      return true;
    default:
      return false;
  }
}
