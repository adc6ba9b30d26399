import { runBroadcast } from './broadcast.ts';
import { runChatFanout } from './chat-fanout.ts';
import { runConnections } from './connections.ts';
import { runHistory } from './history.ts';
import { runLesson } from './lesson.ts';
import { runSchoolDay } from './school-day.ts';
import { runSendThroughput } from './send-throughput.ts';
import { runTwoNodes } from './two-nodes.ts';
import { runStartup } from './startup.ts';

/** `npm run bench -- <scenario>`: runs one scenario and prints its figures as JSON. */
const scenarios: Record<string, () => Promise<unknown>> = {
  startup: () => runStartup(),
  'chat-fanout': () => runChatFanout(),
  history: () => runHistory(),
  connections: () => runConnections(),
  'school-day': () => runSchoolDay(),
  'send-throughput': () => runSendThroughput(),
  'two-nodes': () => runTwoNodes(),
  lesson: () => runLesson(),
  broadcast: () => runBroadcast(),
};

const name = process.argv[2];
const scenario = name ? scenarios[name] : undefined;
if (!scenario) {
  console.error(`usage: npm run bench -- <scenario>\nscenarios: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await scenario(), null, 2));
