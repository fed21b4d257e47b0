/** Small wording helpers shared by messages and tables. */

/**
 * The noun for a count, singular for exactly 1: plural(1, 'run') = 'run', plural(3, 'run') = 'runs',
 * plural(2, 'candidate is', 'candidates are') = 'candidates are'.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** A count and its noun: counted(1, 'run') = '1 run', counted(3, 'run') = '3 runs'. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${plural(n, one, many)}`;
}

/** A shell word: as is when it is plainly safe, else single-quoted (a command printed for the user to paste). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * User text quoted in a message, cut to `max` characters with `...` (a key or value pasted by mistake, thousands
 * of characters long, is recognisable by its start).
 */
export function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
