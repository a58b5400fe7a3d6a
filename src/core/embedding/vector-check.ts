/**
 * Whether a vector can stand for a text. A model may give a vector of NaN or
 * Infinity (an overflow in a damaged model) or of zeros (a text of nothing it
 * knows); neither has a direction, so every cosine with it is meaningless:
 * such a vector is never indexed, cached, calibrated against or searched with.
 */
export function vectorProblem(vector: ArrayLike<number>, dimensions: number): string | undefined {
  if (vector.length !== dimensions) return `it has ${vector.length} dimensions instead of ${dimensions}`;
  let squares = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    if (!Number.isFinite(value)) return 'it holds a value that is not a finite number';
    squares += value * value;
  }
  if (!(squares > 0)) return 'it is all zeros';
  return undefined;
}

export function isUsableVector(vector: ArrayLike<number>, dimensions: number): boolean {
  return vectorProblem(vector, dimensions) === undefined;
}
