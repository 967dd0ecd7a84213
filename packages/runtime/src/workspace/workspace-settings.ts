import type { CheckedWorkspace, TimestampStorage } from '@seg/core';
import { withTimestampStorage } from '@seg/compiler';
import { SegUserError } from '../errors';

/**
 * seg.json `"timestamps"`: how the database stores timestamp columns the model
 * does not describe. `auto` (the default) reads ISO-8601 text with any offset or
 * epoch numbers, row by row; declaring the one form the data uses lets the
 * engine compare stored values directly and use its indexes.
 */
export const TIMESTAMP_SETTINGS = {
  auto: undefined,
  'iso-utc-seconds': 'isoUtcSeconds',
  'epoch-seconds': 'epochSeconds',
  native: 'native',
} as const satisfies Record<string, TimestampStorage | undefined>;

export type TimestampSetting = keyof typeof TIMESTAMP_SETTINGS;

export function isTimestampSetting(value: string): value is TimestampSetting {
  return Object.hasOwn(TIMESTAMP_SETTINGS, value);
}

/** The checked workspace as the compiler should see it under the workspace's settings. */
export function applyWorkspaceSettings(ws: CheckedWorkspace, settings: { readonly timestamps?: string }): CheckedWorkspace {
  const setting = settings.timestamps ?? 'auto';
  if (!isTimestampSetting(setting)) {
    throw new SegUserError(`"timestamps" must be one of ${Object.keys(TIMESTAMP_SETTINGS).join(', ')}, not "${setting}"`);
  }
  const storage = TIMESTAMP_SETTINGS[setting];
  return storage ? withTimestampStorage(ws, storage) : ws;
}
