/**
 * What the store should show as stock for one SKU, from the ERP's inventory row.
 *
 * - `qty`: the main-warehouse actual stock (主仓实际库存), what the old add-on copied. It still holds
 *   units that are sold but not shipped, so copying it re-adds them and the store oversells.
 * - `available` (default): qty − order_lock (units the ERP holds for its orders) − units in store
 *   orders the ERP has not accepted yet (the store has deducted them at checkout, the ERP does not
 *   know them). Never negative.
 */
export type StockFormula = 'available' | 'qty';

export interface StockInputs {
  qty: number;
  orderLock: number;
  /** Units of this SKU in store orders not yet accepted by the ERP. */
  pendingUnits: number;
}

export function storeQuantity(formula: StockFormula, inputs: StockInputs): number {
  const value = formula === 'qty' ? inputs.qty : inputs.qty - inputs.orderLock - inputs.pendingUnits;
  return Math.max(0, value);
}
