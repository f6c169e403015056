import { SandboxError, invalidParameter } from './sandbox-error';

/**
 * Deterministic upload faults keyed by so_id, for tests and benchmarks of order isolation (set with
 * the other faults: `setFaults({ rejectCallsWithSoIds: ['1100000042'] })` or POST /__admin/faults):
 * - `rejectCallsWithSoIds`: any upload call containing one of these so_ids is refused as a whole
 *   with `rejectCallsCode` (default 140, the validation code; docs/erp-api.md §2.6);
 * - `rejectSoIds`: these orders are rejected one by one (issuccess: false), the rest are accepted.
 */
export interface UploadRules {
  rejectCallsWithSoIds?: string[];
  rejectCallsCode?: number;
  rejectSoIds?: string[];
}

/** Throws the call-level error when the upload contains a poisoned so_id. */
export function checkUploadCall(rules: UploadRules, soIds: readonly string[]): void {
  const poisoned = rules.rejectCallsWithSoIds?.find((id) => soIds.includes(id));
  if (poisoned === undefined) return;
  const code = rules.rejectCallsCode ?? 140;
  throw code === 140 ? invalidParameter(`订单 ${poisoned} 数据异常`) : new SandboxError(code, `订单 ${poisoned} 处理失败`);
}

export function isRejectedSoId(rules: UploadRules, soId: string): boolean {
  return rules.rejectSoIds?.includes(soId) ?? false;
}
