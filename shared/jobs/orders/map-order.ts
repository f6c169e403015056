import { allocateCents, centsToString, toCents } from '../money';
import { chineseStateName } from './cn-states';
import type { ErpOrderLifecycle, ErpOrderSource } from '../../domain/erp-order-source';
import { decodeHtmlEntities } from './html-decode';
import { KeyFieldCheck, type KeyFieldProblem } from './key-fields';
import { Truncator, type TruncationWarning } from './truncate';
import type { ErpUploadItem, ErpUploadOrder } from '../../domain/erp-order';
import { IDENTITY_SKU_MAPPING, type SkuMapping } from '../../domain/sku-mapping';

/** The ERP's receiver_address limit, in characters (docs/erp-api.md §4). */
const ADDRESS_LIMIT = 200;
/** Country values that mean China in a Fecmall address (code, ISO3, English and Chinese name, or none). */
const CHINA = new Set(['', 'CN', 'CHN', 'CHINA', '中国', "PEOPLE'S REPUBLIC OF CHINA"]);

export type { ErpUploadItem, ErpUploadOrder, ErpUploadPay } from '../../domain/erp-order';

export interface OrderMappingOptions {
  shopId: number;
  /** Amounts in the order's own currency, or in the store's base currency. */
  currency: 'order' | 'base';
  /** Unix seconds → the ERP's Beijing-time string. */
  formatTime: (unixSeconds: number) => string;
  /** Store SKU → the ERP's sku_id (docs/design.md §19); absent: identity. */
  skus?: SkuMapping;
}

export interface MappedOrder {
  payload: ErpUploadOrder;
  /** Descriptive fields shortened to the ERP's limits. */
  warnings: TruncationWarning[];
  /** Key fields over the ERP's limits: the order must not be sent (never truncated). */
  keyFieldProblems: KeyFieldProblem[];
}

/**
 * Maps a store order to the ERP upload payload. Item amounts carry the order-level coupon discount,
 * split over the lines in proportion to their totals, so that items + freight = pay_amount exactly.
 */
export function mapOrderToErp(order: ErpOrderSource, lifecycle: ErpOrderLifecycle, options: OrderMappingOptions): MappedOrder {
  const t = new Truncator();
  const keys = new KeyFieldCheck();
  const inBase = options.currency === 'base';
  const payCents = toCents(inBase ? order.baseGrandTotal : order.grandTotal, 'grand_total');
  let freightCents = toCents(inBase ? order.baseShippingTotal : order.shippingTotal, 'shipping_total');
  const lineCents = order.items.map((item) => toCents(inBase ? item.baseRowTotal : item.rowTotal, 'row_total'));
  const linesTotal = lineCents.reduce((a, b) => a + b, 0);

  // What the lines must add up to. The difference to their pre-discount totals is the coupon (and
  // any other order-level adjustment), spread over the lines.
  let itemsTarget = payCents - freightCents;
  if (itemsTarget < 0) {
    freightCents = payCents;
    itemsTarget = 0;
  }
  const adjustments = allocateCents(linesTotal - itemsTarget, lineCents);
  const amounts = lineCents.map((cents, i) => cents - (adjustments[i] ?? 0));

  const skus = options.skus ?? IDENTITY_SKU_MAPPING;
  const items: ErpUploadItem[] = order.items.map((item, i) => {
    const amount = amounts[i] ?? 0;
    const unitCents = toCents(inBase ? item.basePrice : item.price, 'price');
    // The ERP's code of the line (table, transform, identity); shop_sku_id stays the store's own SKU.
    const erpSku = skus.toErp(item.sku);
    if (erpSku === undefined)
      keys.missing(`items[${i}].sku_id`, 'the store SKU has no ERP code under the SKU mapping (npm run ops -- sku-map check shows why)');
    const entry: ErpUploadItem = {
      sku_id: erpSku === undefined ? item.sku : keys.keep(`items[${i}].sku_id`, erpSku, 40),
      shop_sku_id: keys.keep(`items[${i}].shop_sku_id`, item.sku, 128),
      name: t.fit(`items[${i}].name`, item.name || item.sku, 100),
      qty: item.qty,
      base_price: centsToString(unitCents),
      price: item.qty > 0 ? (amount / 100 / item.qty).toFixed(4) : '0.0000',
      amount: centsToString(amount),
      outer_oi_id: keys.keep(`items[${i}].outer_oi_id`, String(item.itemId), 50),
    };
    if (item.customOptionSku) entry.properties_value = t.fit(`items[${i}].properties_value`, item.customOptionSku, 100);
    return entry;
  });

  const country = (order.country ?? '').trim().toUpperCase();
  // Stores keep the country as a code or a name: each of these is China (state/city/district fields).
  const isChina = CHINA.has(country);
  const street = [order.street1, order.street2]
    .map((s) => (s ?? '').trim())
    .filter(Boolean)
    .join(' ');
  const name = [order.customerFirstname, order.customerLastname]
    .map((s) => (s ?? '').trim())
    .filter(Boolean)
    .join(' ');
  const modified = Math.max(order.updatedAt ?? 0, order.createdAt);

  const payload: ErpUploadOrder = {
    shop_id: options.shopId,
    so_id: keys.keep('so_id', order.incrementId, 50),
    order_date: options.formatTime(order.createdAt),
    shop_modified: options.formatTime(modified),
    shop_status: lifecycle === 'cancelled' ? 'TRADE_CLOSED' : 'WAIT_SELLER_SEND_GOODS',
    shop_buyer_id: t.fit('shop_buyer_id', order.customerEmail?.trim() || (order.customerId ? `customer-${order.customerId}` : `guest-${order.orderId}`), 50),
    receiver_name: t.fit('receiver_name', name || order.customerEmail?.trim() || order.incrementId, 50),
    receiver_address: '',
    pay_amount: centsToString(payCents),
    freight: centsToString(freightCents),
    items,
    pay: {
      outer_pay_id: t.fit('pay.outer_pay_id', order.txnId?.trim() || `${order.incrementId}-pay`, 50),
      pay_date: options.formatTime(modified),
      payment: t.fit('pay.payment', order.paymentMethod?.trim() || 'unknown', 20),
      seller_account: t.fit('pay.seller_account', order.store?.trim() || 'fecmall', 50),
      buyer_account: t.fit('pay.buyer_account', order.customerEmail?.trim() || `customer-${order.customerId ?? order.orderId}`, 200),
      amount: centsToString(payCents),
    },
  };

  if (isChina) {
    // The ERP parses CN addresses from state/city/district plus the street.
    const state = chineseStateName(order.state);
    if (state) payload.receiver_state = t.fit('receiver_state', state, 50);
    if (order.city?.trim()) payload.receiver_city = t.fit('receiver_city', order.city.trim(), 50);
    if (order.district?.trim()) payload.receiver_district = t.fit('receiver_district', order.district.trim(), 50);
    payload.receiver_address = t.fit('receiver_address', street || [state, order.city].filter(Boolean).join(' '), ADDRESS_LIMIT);
  } else {
    // Foreign addresses go whole into receiver_address; the CN-only fields are omitted.
    // Over the ERP's 200 characters the street is cut, never the city, state, zip or country after it.
    const tail = [order.city, order.state, order.zip, country]
      .map((s) => (s ?? '').trim())
      .filter(Boolean)
      .join(', ');
    const room = Math.max(0, ADDRESS_LIMIT - Array.from(tail).length - (street && tail ? 2 : 0));
    const cutStreet = t.fit('receiver_address', street, room);
    payload.receiver_address = t.fit('receiver_address', [cutStreet, tail].filter(Boolean).join(', '), ADDRESS_LIMIT);
    payload.receiver_country = t.fit('receiver_country', country, 5);
  }
  if (order.customerTelephone?.trim()) {
    payload.receiver_phone = t.fit('receiver_phone', order.customerTelephone.trim(), 50);
    payload.receiver_mobile = t.fit('receiver_mobile', order.customerTelephone.trim(), 50);
  }
  if (order.zip?.trim()) payload.receiver_zip = t.fit('receiver_zip', order.zip.trim(), 20);
  if (order.customerEmail?.trim()) payload.receiver_email = t.fit('receiver_email', order.customerEmail.trim(), 50);
  const message = order.orderRemark ? decodeHtmlEntities(order.orderRemark).trim() : '';
  if (message) payload.buyer_message = t.fit('buyer_message', message, 400);
  if (!inBase && order.orderCurrencyCode?.trim()) payload.currency = order.orderCurrencyCode.trim();

  return { payload, warnings: t.warnings, keyFieldProblems: keys.problems };
}
