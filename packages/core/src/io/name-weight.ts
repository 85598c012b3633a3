/**
 * What a name read from an input (a tar member, a file in a fleet) weighs in the memory budgets that count
 * names: its length, twice that when a character is past U+00FF (V8 then keeps the whole string, and what is
 * built from it, in two bytes a character), plus one for each character outside printable ASCII (JSON writes a
 * control character as six, the terminal text as four, UTF-8 the rest as two to four bytes).
 * @example nameWeight('etc/hosts') === 9; nameWeight('etc/中x') === 13
 */
export function nameWeight(name: string | undefined): number {
  if (name === undefined) return 0;
  let odd = 0;
  let wide = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) odd++;
    if (c > 0xff) wide = true;
  }
  return (wide ? 2 : 1) * name.length + odd;
}
