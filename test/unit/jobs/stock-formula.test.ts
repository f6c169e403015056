import { storeQuantity } from '../../../shared/jobs/inventory/stock-formula';

describe('storeQuantity', () => {
  it('copies the main-warehouse actual stock under the qty formula', () => {
    expect(storeQuantity('qty', { qty: 10, orderLock: 3, pendingUnits: 2 })).toBe(10);
  });

  it('subtracts ERP order locks and store orders the ERP has not accepted under the available formula', () => {
    expect(storeQuantity('available', { qty: 10, orderLock: 3, pendingUnits: 2 })).toBe(5);
  });

  it('never goes below zero', () => {
    expect(storeQuantity('available', { qty: 1, orderLock: 3, pendingUnits: 0 })).toBe(0);
    expect(storeQuantity('qty', { qty: -4, orderLock: 0, pendingUnits: 0 })).toBe(0);
  });
});
