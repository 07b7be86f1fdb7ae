// The pacer's view of one endpoint's steady window, and the rules read from it: how long the next request
// waits and how far apart requests go. Pure, so the pacing rules are tested without timers (rate-pacer.ts keeps
// the state and the clock).

/** The pacer's view of the steady window; `undefined` fields are not known yet. */
export interface PacerState {
  /** Estimated end of the current steady window (local ms); conservative, as Reset is rounded up. */
  windowEndsAt?: number;
  /** Requests this instance may still send in the window: its share less its own, at most Remaining. */
  usable?: number;
  /** Local time before which nothing may be sent (after a 429). */
  blockedUntil: number;
  /** When the next request may go by the spacing between requests. */
  nextSlotAt: number;
  inFlight: number;
}

/** Time between requests now: what is left of the window spread over what is left of it, or the burst spacing. */
export function sendInterval(state: PacerState, now: number, spacingMs: number): number {
  const windowKnown = state.windowEndsAt !== undefined && now < state.windowEndsAt;
  if (!windowKnown || state.usable === undefined || state.usable <= 0) return spacingMs;
  return Math.max(spacingMs, ((state.windowEndsAt ?? now) - now) / state.usable);
}

/**
 * How long to wait before the next request may go (ms), or `'probe'` when the window is unknown and a probe is
 * already out.
 */
export function nextSendDelay(state: PacerState, now: number): number | 'probe' {
  const wait = Math.max(0, state.blockedUntil - now, state.nextSlotAt - now);
  const windowKnown = state.windowEndsAt !== undefined && now < state.windowEndsAt;
  if (!windowKnown || state.usable === undefined) return state.inFlight > 0 ? 'probe' : wait;
  if (state.usable <= 0) return Math.max(wait, (state.windowEndsAt ?? now) - now);
  return wait;
}
