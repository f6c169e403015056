/** The ERP's longest modified-time range per query (docs/erp-api.md §3a, §3c, §3d). */
export const MAX_RANGE_MS = 7 * 24 * 3600 * 1000;
