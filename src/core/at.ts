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
  if (!Number.isInteger(i) || i < 0 || i >= xs.length) throw new IndexOutOfRangeError(i, xs.length);
  // eslint-disable-next-line no-restricted-syntax -- the one checked read: i is in range just above.
  return xs[i] as T;
}
