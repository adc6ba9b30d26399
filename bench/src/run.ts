import { runChatFanout } from './chat-fanout.ts';
import { runStartup } from './startup.ts';

/** `npm run bench -- <scenario>`: runs one scenario and prints its figures as JSON. */
const scenarios: Record<string, () => Promise<unknown>> = {
  startup: () => runStartup(),
  'chat-fanout': () => runChatFanout(),
};

const name = process.argv[2];
const scenario = name ? scenarios[name] : undefined;
if (!scenario) {
  console.error(`usage: npm run bench -- <scenario>\nscenarios: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await scenario(), null, 2));
