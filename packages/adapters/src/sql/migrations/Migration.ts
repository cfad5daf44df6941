/**
 * One schema step. Statements use portable SQL plus placeholders the runner fills per dialect:
 * `{{C}}` — binary (code point) collation for text that is sorted or compared by prefix
 *           (`COLLATE "C"` on PostgreSQL, nothing on SQLite whose default is binary);
 * `{{SERIAL}}` — an auto-incrementing 64-bit primary key column type;
 * `{{BLOB}}` — binary data.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly up: readonly string[];
}
