/**
 * The largest stock value the store can hold: `product_flat_qty.qty` and `product_flat.qty` are
 * `int(11)`, signed (docs/store-schema.md §1.2, §1.3). A larger value is an item failure, never written.
 */
export const STORE_QTY_MAX = 2_147_483_647;
