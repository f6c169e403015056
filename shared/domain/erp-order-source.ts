/**
 * What the order mapping needs to know about one store order, independent of the schema flavour.
 * Amounts are DECIMAL strings as mysql2 returns them; times are unix seconds.
 */
export interface ErpOrderSourceItem {
  itemId: number;
  sku: string;
  name: string;
  qty: number;
  /** Unit price and row total in the order currency. */
  price: string;
  rowTotal: string;
  /** The same in the base currency. */
  basePrice: string;
  baseRowTotal: string;
  customOptionSku?: string | null;
}

export interface ErpOrderSource {
  orderId: number;
  incrementId: string;
  createdAt: number;
  updatedAt: number | null;
  orderCurrencyCode: string | null;
  grandTotal: string;
  baseGrandTotal: string;
  shippingTotal: string;
  baseShippingTotal: string;
  /** The coupon discount amount (Fecmall's misnamed `subtotal_with_discount`). */
  discount: string;
  baseDiscount: string;
  customerId: number | null;
  customerEmail: string | null;
  customerFirstname: string | null;
  customerLastname: string | null;
  customerTelephone: string | null;
  country: string | null;
  state: string | null;
  city: string | null;
  /** BBC's `customer_address_area` (district), where present. */
  district?: string | null;
  zip: string | null;
  street1: string | null;
  street2: string | null;
  /** HTML-encoded buyer message. */
  orderRemark: string | null;
  paymentMethod: string | null;
  txnId: string | null;
  store: string | null;
  items: ErpOrderSourceItem[];
}

/** Where the order stands, as far as the ERP is concerned. */
export type ErpOrderLifecycle = 'ready' | 'cancelled';
