/** Every command a question can become: the registered list, as the bot has it. */
export { commands as allCommands } from '../../commands/index.ts';
