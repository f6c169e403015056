/**
 * Beijing-time conversion is pure and lives in domain/beijing-time.ts. This re-export stays only for the
 * dev sandbox and soak tests that still import it here; shared/ imports the domain module.
 */
export * from '../domain/beijing-time';
