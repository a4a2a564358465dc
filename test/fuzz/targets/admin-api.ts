// placeholder, filled in below
import fc from 'fast-check';
import type { FuzzTarget } from '../target.js';
export const adminApiTarget: FuzzTarget<number> = {
  name: 'admin-api', describe: 'todo', weight: 5, hangMs: 5000, ext: 'json',
  arbitrary: () => fc.nat(), run: () => undefined, encode: (n) => Buffer.from(String(n)), decode: (b) => Number(b.toString()),
};
