/**
 * Every diagnostic code the language core can report, with its default severity
 * and a one-line description for the reference (docs/ lists them all).
 * Syntax codes (SEG0xxx) live in syntax-codes.ts, checker codes (SEG1xxx and up)
 * in check-codes.ts; this file merges them so nothing can reuse a code.
 */
import type { Severity } from './diagnostic';
import { SYNTAX_CODES } from './syntax-codes';
import { CHECK_CODES } from './check-codes';

export interface CodeInfo {
  readonly severity: Severity;
  /** What the code means, for the reference. */
  readonly summary: string;
}

export const DIAGNOSTIC_CODES: Readonly<Record<string, CodeInfo>> = { ...SYNTAX_CODES, ...CHECK_CODES };
