import type { Dialect } from '@seg/runtime';
import { UsageError } from './usage-error';

const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres', 'duckdb'];

export function dialectFlag(value: string): Dialect {
  if ((DIALECTS as readonly string[]).includes(value)) return value as Dialect;
  throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, not "${value}"`);
}
