/**
 * An error caused by the user's input (a bad URL, a missing file, an invalid
 * model): the CLI prints only its message, with no stack trace, because the
 * stack would point at Seg's internals rather than at what the user must fix.
 * Anything that is not a SegUserError is a bug and is shown with its stack.
 */
export class SegUserError extends Error {
  override readonly name = 'SegUserError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isSegUserError(error: unknown): error is SegUserError {
  return error instanceof SegUserError;
}
