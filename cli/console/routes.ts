// Every route the console serves, in the order server.ts tries them: each page module exports its routes and
// is listed here once.
import type { ConsoleRoute } from './route.ts';

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [];
