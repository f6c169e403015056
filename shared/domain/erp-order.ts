/**
 * The ERP's order upload payload (docs/erp-api.md §3b), the same for both API generations. Pure types:
 * this file imports nothing. Optional keys are omitted, never sent empty (docs/design.md §7).
 */

/** One order of the upload. */
export interface ErpUploadOrder {
  shop_id: number;
  so_id: string;
  order_date: string;
  shop_modified: string;
  shop_status: 'WAIT_SELLER_SEND_GOODS' | 'TRADE_CLOSED';
  shop_buyer_id: string;
  receiver_name: string;
  receiver_address: string;
  receiver_state?: string;
  receiver_city?: string;
  receiver_district?: string;
  receiver_phone?: string;
  receiver_mobile?: string;
  receiver_zip?: string;
  receiver_email?: string;
  receiver_country?: string;
  pay_amount: string;
  freight: string;
  buyer_message?: string;
  currency?: string;
  items: ErpUploadItem[];
  pay: ErpUploadPay;
}

export interface ErpUploadItem {
  sku_id: string;
  shop_sku_id: string;
  name: string;
  qty: number;
  base_price: string;
  price: string;
  amount: string;
  outer_oi_id: string;
  properties_value?: string;
}

export interface ErpUploadPay {
  outer_pay_id: string;
  pay_date: string;
  payment: string;
  seller_account: string;
  buyer_account: string;
  amount: string;
}
