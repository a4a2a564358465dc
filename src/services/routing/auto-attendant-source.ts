// Where the routing view gets the auto attendants from: their pilot numbers per dial plan, and
// whether they are enabled (org/auto-attendant-read.ts). routing-cache.ts calls it in the same
// reload as the rest of the snapshot, so a new or changed auto attendant routes within a second.
import type { Kysely } from 'kysely';
import { loadAutoAttendantRoutes } from '../../org/auto-attendant-read.js';
import type { Database } from '../../store/schema.js';
import type { AutoAttendantRoute } from './routing-view.js';

export type AutoAttendantLoader = (db: Kysely<Database>) => Promise<AutoAttendantRoute[]>;

export const loadAutoAttendants: AutoAttendantLoader = (db) => loadAutoAttendantRoutes(db);
