// Where the routing view gets the auto attendants from. The auto_attendants table is built in the
// same issue by another part (org/auto-attendants); until it is wired here, there are none and
// the loader returns []. Wiring it is a change to this function only (routing-cache.ts calls it in
// the same reload as the rest of the snapshot).
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { AutoAttendantRoute } from './routing-view.js';

export type AutoAttendantLoader = (db: Kysely<Database>) => Promise<AutoAttendantRoute[]>;

export const loadAutoAttendants: AutoAttendantLoader = () => Promise.resolve([]);
