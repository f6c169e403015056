/** The ports moved to domain/ (docs/architecture.md); this re-export keeps older imports working. */
export * from '../domain/ports';
