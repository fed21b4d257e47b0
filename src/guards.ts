/** Type guards shared by every stage (one copy of each rule). */

/**
 * Whether `x` is a plain key-value object (a YAML mapping, a JSON object): not null, not an array.
 * `T` is the type the caller knows the values to have (unknown by default). Throws: nothing.
 */
export function isObject<T = unknown>(x: unknown): x is Record<string, T> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
