/**
 * Numbers and counted nouns in the verdict's sentences (the summary, the editing signs), written as the
 * CLI writes its counts beside them ("295,904"), so a sentence and the counts under it read alike.
 */

/**
 * A count (an integer) with thousands separators, as `toLocaleString('en-US')` writes it: 295904 -> "295,904". Not through
 * Intl itself: its first use loads the locale data (~20 ms, a tenth of the verdict's own cost on the bench).
 */
export const num = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A count and its noun, singular for 1: plural(3, 'segment') -> "3 segments". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;

/**
 * A percentage rounded to a whole number: 0.5 -> "50 %"; but never "100 %" short of all nor "0 %" above none,
 * which would contradict the counts beside it: then one decimal, toward the middle (0.995 -> "99.5 %").
 */
export const pct = (x: number): string => {
  const whole = Math.round(x * 100);
  if (whole === 100 && x < 1) return `${Math.floor(x * 1000) / 10} %`;
  if (whole === 0 && x > 0) return `${Math.max(1, Math.ceil(x * 1000)) / 10} %`;
  return `${whole} %`;
};
