/** Questions in plain words, answered like a command. What the chat adapters and the console call. */
export { answerQuestion, readAsLine, type AskDeps, type AskOutcome } from './answer.ts';
export { stripMentions, type AskPlatform } from './normalize.ts';
export { planQuestion, shownCommand, shownCommandText, type AskPlan, type PlanContext } from './plan.ts';
