/**
 * The ports live in domain/ports.ts (docs/architecture.md). This re-export stays only for the soak branch's
 * tests (test/unit/jobs/push-orders-settles.test.ts) still in flight; nothing in shared/ imports it. Delete it once
 * they import ../domain/ports.
 */
export * from '../domain/ports';
