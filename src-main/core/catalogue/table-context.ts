// What each table module (originals, outputs, checkpoints, jobs, albums, settings) gets from the
// Catalogue: its cached, guarded statements, its clock, its transactions and the library root. The
// connection itself, its safety checks and the statement cache stay in catalogue.ts, so every query
// still goes through Catalogue.guard. Also the two argument helpers more than one table uses.
import type Database from 'better-sqlite3';
import type { JsonObject } from './types';

/** The three statement methods the catalogue uses, each guarded (see Catalogue.guard). */
export interface Statement {
  run(...params: unknown[]): Database.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface TableContext {
  /** Folder holding the catalogue file; library-internal paths are stored relative to it. */
  readonly libraryRoot: string;
  /** The prepared (once, then cached) and guarded statement for `sql`. */
  st(sql: string): Statement;
  now(): string;
  /** Catalogue.transaction: one transaction, nesting as a savepoint. */
  transaction<T>(fn: () => T): T;
}

export function jsonOrNull(value: JsonObject | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${n}.`);
  return n;
}
