// Every route the console serves, in the order server.ts tries them: each page module exports its routes and
// is listed here once.
import { overviewRoutes } from './pages/overview.ts';
import type { ConsoleRoute } from './route.ts';
import { webhooksRoutes } from './pages/webhooks.ts';

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [...overviewRoutes, ...webhooksRoutes];
