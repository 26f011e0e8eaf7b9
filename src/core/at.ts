/**
 * Checked indexed reads. `noUncheckedIndexedAccess` types `xs[i]` as possibly undefined; a cast
 * (`xs[i] as number`) silences it, and an index one past the end then becomes a NaN in a chat
 * message. `at(xs, i)` says what the cast assumed and fails loudly, with a named error, when it is wrong.
 */

/** Thrown when an index is not one of the array's: a bug in the caller, never the person's input. */
export class IndexOutOfRangeError extends RangeError {
  constructor(
    readonly index: number,
    readonly length: number,
  ) {
    super(`index ${index} is outside an array of ${length}`);
    this.name = 'IndexOutOfRangeError';
  }
}

/** `xs[i]` for an integer 0 ≤ i < xs.length; otherwise IndexOutOfRangeError. */
export function at<T>(xs: ArrayLike<T>, i: number): T {
  const v = xs[i];
  // One load and one comparison on the way through: only an undefined read pays for the range check
  // (an array may hold undefined at an index it has).
  if (v === undefined && !(Number.isInteger(i) && i >= 0 && i < xs.length)) throw new IndexOutOfRangeError(i, xs.length);
  return v as T;
}

/*
 * The same checked read, one function per array type, for the hottest loops (the rotation map reads
 * every close of every sector). `at` is shared by every array type in the program, so V8 sees its one
 * load site megamorphic and takes the generic path (measured: the 11-sector rotation map 1.1 → 3.3 ms);
 * a function that only ever sees Float64Array (or Int32Array, or string[]) keeps the fast load.
 */

/** `xs[i]` of a Float64Array, or IndexOutOfRangeError. */
export function atF64(xs: Float64Array, i: number): number {
  const v = xs[i];
  if (v === undefined) throw new IndexOutOfRangeError(i, xs.length);
  return v;
}

/** `xs[i]` of an Int32Array, or IndexOutOfRangeError. */
export function atI32(xs: Int32Array, i: number): number {
  const v = xs[i];
  if (v === undefined) throw new IndexOutOfRangeError(i, xs.length);
  return v;
}

/** `xs[i]` of an array of strings (dates), or IndexOutOfRangeError. */
export function atStr(xs: readonly string[], i: number): string {
  const v = xs[i];
  if (v === undefined) throw new IndexOutOfRangeError(i, xs.length);
  return v;
}
