// Shorthands for what the configuration's schemas repeat (zod/mini spells every check out). A schema is
// immutable, so one instance serves every field that uses it; each is built on first use (memo, in ../zod.ts).
import * as z from '../zod.ts';
import { memo } from '../zod.ts';

export const nonEmptyString = memo(() => z.string().check(z.minLength(1)));

/** An integer from `min` to `max` inclusive: classic zod's `z.number().int().min(min).max(max)`. */
export const intBetween = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** A name the configuration gives (a connection, a step, a parameter): lower_snake_case. */
export const lowerSnake = memo(() => z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case')));
