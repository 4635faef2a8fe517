// The settings table: the library's own key/value settings, kept in its catalogue. The contract of each
// method is documented on Catalogue, which delegates here.
import type { TableContext } from './table-context';

export class SettingsTable {
  constructor(private readonly ctx: TableContext) {}

  getSetting(key: string): string | undefined {
    const row = this.ctx.st('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string | null): void {
    if (value === null) {
      this.ctx.st('DELETE FROM settings WHERE key = ?').run(key);
      return;
    }
    this.ctx.st('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
