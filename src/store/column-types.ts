// Column types shared by the table files: one query code serves both engines.
import type { ColumnType, Generated } from 'kysely';

/** Integer columns: PostgreSQL's driver hands 64-bit values back as strings. */
export type Int = ColumnType<number, number, number>;
export type Id = Generated<number>;
