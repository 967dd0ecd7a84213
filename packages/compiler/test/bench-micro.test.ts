import { it } from 'vitest';
import BetterSqlite3 from '../../runtime/node_modules/better-sqlite3';
it('micro', () => {
  const db = new BetterSqlite3(':memory:');
  console.log(db.prepare("select unixepoch(1772323200, 'auto') a, unixepoch(1772323200.5, 'auto') a2, unixepoch('2026-03-01T10:00:00+11:00', 'auto') b, unixepoch('2026-03-01', 'auto') c, unixepoch('1772323200', 'auto') d, unixepoch(5000000, 'auto') e, unixepoch('garbage', 'auto') f").get());
});
