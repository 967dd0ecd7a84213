/** What a workspace's `seg.json` (or `seg.config.json`) may say. */
export interface WorkspaceConfig {
  readonly name?: string;
  /** Database URL; a relative `sqlite:` or `duckdb:` path is relative to the workspace root. */
  readonly database?: string;
  /** IANA time zone for dates and calendar windows; UTC by default. */
  readonly timezone?: string;
  /** How timestamp columns are stored: auto (default), iso-utc-seconds, epoch-seconds, native. */
  readonly timestamps?: string;
}

export const CONFIG_FILE_NAMES = ['seg.json', 'seg.config.json'] as const;
