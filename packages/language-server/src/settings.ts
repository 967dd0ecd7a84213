/**
 * The settings the server reads (`workspace/configuration`, section `seg`).
 * The VS Code extension's manifest contributes exactly these (a test holds
 * the two together); any other LSP client may send them the same way.
 */
export interface ServerSettings {
  /** Database URL for size previews; empty: `SEG_DATABASE_URL`, then the workspace's seg.json. */
  readonly database: string;
  /** As-of date (YYYY-MM-DD or an ISO timestamp) for size previews; empty: now. */
  readonly asOf: string;
  /** Whether code lenses show audience sizes. */
  readonly previews: boolean;
}

export interface SettingDescription {
  /** Under the `seg.` section, e.g. `database` for `seg.database`. */
  readonly key: keyof ServerSettings;
  readonly type: 'string' | 'boolean';
  readonly default: string | boolean;
  readonly description: string;
}

export const SERVER_SETTINGS: readonly SettingDescription[] = [
  {
    key: 'database',
    type: 'string',
    default: '',
    description: 'Database URL for audience-size previews (sqlite:PATH, postgres://…, duckdb:PATH). Empty: SEG_DATABASE_URL, then the workspace seg.json.',
  },
  { key: 'asOf', type: 'string', default: '', description: 'As-of date for audience-size previews (YYYY-MM-DD or an ISO timestamp). Empty: now.' },
  { key: 'previews', type: 'boolean', default: true, description: 'Show audience sizes above segments and plans (code lenses).' },
];

export const DEFAULT_SETTINGS: ServerSettings = { database: '', asOf: '', previews: true };

/** Settings as a client sent them (any shape), with defaults for what is missing or mistyped. */
export function readSettings(value: unknown): ServerSettings {
  const given = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (key: 'database' | 'asOf') => (typeof given[key] === 'string' ? (given[key] as string).trim() : DEFAULT_SETTINGS[key]);
  return {
    database: text('database'),
    asOf: text('asOf'),
    previews: typeof given.previews === 'boolean' ? given.previews : DEFAULT_SETTINGS.previews,
  };
}
