// Every route the console serves, in the order server.ts tries them: each page module exports its routes and
// is listed here once.
import { routes as deadLetterRoutes } from './pages/dead-letters.ts';
import { routes as jobRoutes } from './pages/jobs.ts';
import { overviewRoutes } from './pages/overview.ts';
import { routes as playgroundRoutes } from './pages/playground.ts';
import { routes as replayRoutes } from './pages/replay.ts';
import { webhooksRoutes } from './pages/webhooks.ts';
import type { ConsoleRoute } from './route.ts';

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  ...overviewRoutes,
  ...webhooksRoutes,
  ...deadLetterRoutes,
  ...replayRoutes,
  ...playgroundRoutes,
  ...jobRoutes,
];
