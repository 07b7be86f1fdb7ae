// Stripe's amounts are integers in the currency's minor unit: cents for most, the unit itself for zero-decimal
// currencies (JPY), thousandths for three-decimal ones (KWD: Stripe's amounts end in 0 there). A Price may also
// carry `unit_amount_decimal`, minor units as decimal text with up to 12 places. Both become the major unit as
// JSONata expressions: `major` divides (an integer by a power of ten is the nearest number to the exact quotient),
// `exactMajor` moves the decimal point in the text and reads the number once, so no rounding is added to text.

/** Stripe's zero-decimal currencies: an amount in these is already in the major unit. */
export const ZERO_DECIMAL = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
];
/** Stripe's three-decimal currencies: an amount in these is in thousandths. */
export const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

/** The decimal places of `currency` (an expression naming Stripe's lowercase code), as a JSONata expression. */
const decimals = (currency: string) =>
  `($lowercase(${currency}) in ${JSON.stringify(ZERO_DECIMAL)} ? 0 : ` +
  `$lowercase(${currency}) in ${JSON.stringify(THREE_DECIMAL)} ? 3 : 2)`;

/** `amount` (an integer in minor units of `currency`) in the major unit, as a JSONata expression. */
export const major = (amount: string, currency: string): string =>
  `(${amount}) / $power(10, ${decimals(currency)})`;

/**
 * `amount` (minor units as an integer or decimal text, e.g. "1999.5") in the major unit, read from text with the
 * decimal point moved: "1999.5" cents → 19.995, exactly the number the text 19.995 is.
 */
export const exactMajor = (amount: string, currency: string): string =>
  `($text := $string(${amount}); $places := ${decimals(currency)}; ` +
  `$whole := $pad($substringBefore($text, '.'), -($places + 1), '0'); ` +
  `$cut := $length($whole) - $places; ` +
  `$fraction := $substring($whole, $cut) & ($contains($text, '.') ? $substringAfter($text, '.') : ''); ` +
  `$number($substring($whole, 0, $cut) & ($fraction != '' ? '.' & $fraction : '')))`;
