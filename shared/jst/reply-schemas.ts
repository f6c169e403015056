import { z } from 'zod';

/** Integer counters may arrive as numbers or numeric strings (docs/erp-api.md §3a: P1 says string, S6 integer). */
const integer = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .pipe(z.number().int());

/** Paging fields present on every paginated payload (docs/erp-api.md §1.4, §2.5). */
export const pageSchema = z
  .object({
    page_index: integer.optional(),
    page_size: integer.optional(),
    page_count: integer.optional(),
    data_count: integer.optional(),
    has_next: z.boolean().optional(),
  })
  .passthrough();

/** One inventory row (docs/erp-api.md §3a). Counters the ERP may omit default to 0. */
export const inventoryRowSchema = z
  .object({
    sku_id: z.string().min(1),
    i_id: z.string().optional().nullable(),
    name: z.string().optional().nullable(),
    qty: integer,
    order_lock: integer.default(0),
    pick_lock: integer.default(0),
    virtual_qty: integer.default(0),
    purchase_qty: integer.default(0),
    return_qty: integer.default(0),
    in_qty: integer.default(0),
    defective_qty: integer.default(0),
    modified: z.string().optional().nullable(),
    ts: z.union([z.number(), z.string()]).optional().nullable(),
  })
  .passthrough();
export type InventoryRow = z.infer<typeof inventoryRowSchema>;

/**
 * One warehouse of the account (分仓查询, docs/erp-api.md §3e). `is_main` is [C1]; it is read leniently
 * (true, 1 or "1"), and a list with no main warehouse is refused where the main one is needed.
 */
export const warehouseRowSchema = z
  .object({
    wms_co_id: integer,
    name: z.string().optional().nullable(),
    co_id: integer.optional().nullable(),
    is_main: z
      .union([z.boolean(), z.number(), z.string()])
      .optional()
      .nullable()
      .transform((v) => v === true || v === 1 || v === '1' || v === 'true'),
    status: z.string().optional().nullable(),
  })
  .passthrough();
export type WarehouseRow = z.infer<typeof warehouseRowSchema>;

/**
 * One shop of the account (店铺查询, docs/erp-api.md §3f). `shop_id` is the shop number orders are
 * uploaded to; `shop_site` (店铺站点) is named by one client only and its values are not documented [U],
 * so nothing decides on it: it is shown to the operator.
 */
export const shopRowSchema = z
  .object({
    shop_id: integer,
    shop_name: z.string().optional().nullable(),
    co_id: integer.optional().nullable(),
    shop_site: z.string().optional().nullable(),
  })
  .passthrough();
export type ShopRow = z.infer<typeof shopRowSchema>;

/**
 * One item of a shipped order (docs/erp-api.md §3c): `raw_so_id` names the store order the line came from,
 * which differs from the row's `so_id` when the ERP merged several store orders into one.
 */
export const logisticsItemSchema = z
  .object({
    sku_id: z.string().optional().nullable(),
    raw_so_id: z.string().optional().nullable(),
  })
  .passthrough();

/** One shipped order of the logistics query (docs/erp-api.md §3c). */
export const logisticsOrderSchema = z
  .object({
    o_id: integer,
    so_id: z.string().min(1),
    shop_id: integer.optional(),
    send_date: z.string().optional().nullable(),
    lc_id: z.string().optional().nullable(),
    l_id: z.string().optional().nullable(),
    logistics_company: z.string().optional().nullable(),
    modified: z.string().optional().nullable(),
    items: z.array(logisticsItemSchema).optional().nullable(),
  })
  .passthrough();
export type LogisticsOrder = z.infer<typeof logisticsOrderSchema>;

/** The ERP order status vocabulary of the order query (docs/erp-api.md §3d, [C2]). */
export const ERP_ORDER_STATUSES = [
  'WaitPay',
  'Delivering',
  'Merged',
  'Question',
  'Split',
  'WaitOuterSent',
  'WaitConfirm',
  'WaitFConfirm',
  'Sent',
  'Cancelled',
] as const;
export type ErpOrderStatus = (typeof ERP_ORDER_STATUSES)[number];

/** A decimal amount as the ERP sends it (number or numeric string), kept as a string with its digits. */
const money = z.union([
  z
    .number()
    .finite()
    .transform((n) => n.toFixed(2)),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d{1,4})?$/, 'expected a decimal amount (at most 4 decimals)'),
]);

/** One line of a queried order (docs/erp-api.md §3d): `raw_so_id` names the store order a merged line came from. */
export const queriedOrderItemSchema = z
  .object({
    sku_id: z.string().optional().nullable(),
    qty: integer.optional().nullable(),
    outer_oi_id: z.string().optional().nullable(),
    raw_so_id: z.string().optional().nullable(),
    amount: money.optional().nullable(),
  })
  .passthrough();
export type QueriedOrderItem = z.infer<typeof queriedOrderItemSchema>;

/**
 * One order of the order query (docs/erp-api.md §3d). `status` must be one of the documented values and
 * `shop_id` and `pay_amount` must be present: a row without them cannot be checked, so it is reported
 * as invalid instead of being taken for a difference.
 */
export const queriedOrderSchema = z
  .object({
    o_id: integer,
    so_id: z.string(),
    shop_id: integer,
    status: z.enum(ERP_ORDER_STATUSES, { message: `expected one of ${ERP_ORDER_STATUSES.join(', ')}` }),
    shop_status: z.string().optional().nullable(),
    pay_amount: money,
    modified: z.string().optional().nullable(),
    l_id: z.string().optional().nullable(),
    lc_id: z.string().optional().nullable(),
    logistics_company: z.string().optional().nullable(),
    items: z
      .array(queriedOrderItemSchema)
      .nullable()
      .optional()
      .transform((v) => v ?? []),
  })
  .passthrough();
export type QueriedOrder = z.infer<typeof queriedOrderSchema>;

/** Per-order result of an upload (docs/erp-api.md §3b). */
export const uploadResultSchema = z
  .object({
    so_id: z.string(),
    o_id: integer.optional().nullable(),
    issuccess: z.boolean(),
    msg: z.string().optional().nullable(),
  })
  .passthrough();

export const uploadReplySchema = z.object({ datas: z.array(uploadResultSchema) }).passthrough();
