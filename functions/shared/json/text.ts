// JSON.parse for data the relay carries (webhook bodies, source API answers, messages between stages) that keeps
// every integer exact. JSON.parse gives each number as a double, which holds integers exactly only up to 2^53:
// Shopify's order id 820982911946154508 would become 820982911946154500, and two line items could share a
// unique_id. An integer beyond ±(2^53 − 1) is given instead as a string of its exact digits, which every later
// step carries as it is (properties, unique ids, hydration URLs, the messages between stages). The reviver's third
// argument, `context.source` (the number's own text; Node 22), is what tells the digits (docs/adr/0023).

/** Every integer beyond Number.MAX_SAFE_INTEGER is written with at least 16 digits in a row. */
const LONG_DIGIT_RUN = 16;
const INTEGER_TEXT = /^-?\d+$/;

/** JSON.parse, with each integer a double cannot hold exactly given as a string of its digits. */
export function parseJson(text: string): unknown {
  // The reviver costs a call per value: a text without 16 digits in a row has no such integer, so it goes without.
  if (!mayHoldLargeIntegers(text)) return JSON.parse(text);
  return JSON.parse(text, keepExactIntegers);
}

/** False when the text surely holds no integer beyond 2^53 (so a plain JSON.parse of it is exact). */
export function mayHoldLargeIntegers(text: string): boolean {
  // A plain scan: about twice as fast as /\d{16}/, which backtracks at every shorter run (timestamps, prices).
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) run = 0;
    else if (++run === LONG_DIGIT_RUN) return true;
  }
  return false;
}

function keepExactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  // A fraction or an exponent (1.5e300) is a number that was never meant to be exact: it stays one.
  return source !== undefined && INTEGER_TEXT.test(source) ? source : value;
}
