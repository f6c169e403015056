import { FecjstError } from '../errors';

/** The store database cannot be used as configured (unsupported mode, missing tables, bad connection). */
export class StoreError extends FecjstError {}
