import type { Pool } from 'mysql2/promise';

/**
 * The Fecmall tables fecjst touches, as the real install creates them (docs/store-schema.md §1–§5,
 * replayed from the core migrations; COMMENT clauses dropped). `bbc` adds the multi-vendor columns.
 */
export type SchemaFlavour = 'core' | 'bbc';

export const CORE_DDL = [
  `CREATE TABLE product_flat (
  id int(11) NOT NULL AUTO_INCREMENT, created_at int(11) DEFAULT NULL, created_user_id int(11) DEFAULT NULL, updated_at int(11) DEFAULT NULL,
  name text NOT NULL, spu varchar(150) NOT NULL, sku varchar(150) NOT NULL, score int(11) DEFAULT NULL, status int(5) DEFAULT NULL,
  qty int(11) NOT NULL, min_sales_qty int(11) DEFAULT NULL, is_in_stock int(5) DEFAULT NULL, url_key varchar(255) DEFAULT NULL,
  meta_title text DEFAULT NULL, price decimal(12,2) NOT NULL, cost_price decimal(12,2) DEFAULT NULL, special_price decimal(12,2) DEFAULT NULL,
  special_from int(11) DEFAULT NULL, special_to int(11) DEFAULT NULL, tier_price text DEFAULT NULL, final_price decimal(12,2) DEFAULT NULL,
  new_product_from int(11) DEFAULT NULL, new_product_to int(11) DEFAULT NULL, meta_keywords text DEFAULT NULL, meta_description text DEFAULT NULL,
  image text DEFAULT NULL, description longtext DEFAULT NULL, short_description text DEFAULT NULL, custom_option text DEFAULT NULL,
  remark text DEFAULT NULL, \`long\` int(11) DEFAULT NULL, width int(11) DEFAULT NULL, high int(11) DEFAULT NULL, weight decimal(11,2) DEFAULT NULL,
  volume_weight decimal(11,2) DEFAULT NULL, package_number int(11) DEFAULT NULL, favorite_count int(11) DEFAULT NULL, relation_sku text DEFAULT NULL,
  buy_also_buy_sku text DEFAULT NULL, see_also_see_sku text DEFAULT NULL, attr_group varchar(255) DEFAULT NULL, attr_group_info text DEFAULT NULL,
  reviw_rate_star_average int(11) DEFAULT NULL, review_count int(11) DEFAULT NULL, reviw_rate_star_average_lang text DEFAULT NULL,
  review_count_lang text DEFAULT NULL, reviw_rate_star_info text DEFAULT NULL, reviw_rate_star_info_lang text DEFAULT NULL,
  origin_mongo_id varchar(80) DEFAULT NULL, brand_id int(12) DEFAULT NULL, third_refer_url varchar(255) DEFAULT NULL,
  third_refer_code varchar(50) DEFAULT NULL, third_product_code varchar(50) DEFAULT NULL, remote_id int(12) DEFAULT NULL,
  PRIMARY KEY (id), UNIQUE KEY sku (sku), UNIQUE KEY url_key (url_key), UNIQUE KEY remote_id (remote_id), KEY spu (spu),
  KEY third_product_code (third_product_code), KEY third_refer_code (third_refer_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8`,
  `CREATE TABLE product_flat_qty (
  id int(11) NOT NULL AUTO_INCREMENT, product_id varchar(50) NOT NULL, qty int(11) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY product_id (product_id)
) ENGINE=InnoDB`,
  `CREATE TABLE product_custom_option_qty (
  id int(11) NOT NULL AUTO_INCREMENT, product_id varchar(50) NOT NULL, custom_option_sku varchar(50) NOT NULL, qty int(11) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY product_id (product_id, custom_option_sku)
) ENGINE=InnoDB`,
  `CREATE TABLE sales_flat_order (
  order_id int(11) unsigned NOT NULL AUTO_INCREMENT, increment_id varchar(25) DEFAULT NULL, order_status varchar(80) DEFAULT NULL,
  store varchar(100) DEFAULT NULL, created_at int(11) DEFAULT NULL, updated_at int(11) DEFAULT NULL, items_count int(11) DEFAULT 0,
  total_weight decimal(12,2) DEFAULT 0.00, order_currency_code varchar(10) DEFAULT NULL, order_to_base_rate decimal(12,4) DEFAULT NULL,
  grand_total decimal(12,2) DEFAULT NULL, base_grand_total decimal(12,2) DEFAULT NULL, subtotal decimal(12,2) DEFAULT NULL,
  base_subtotal decimal(12,2) DEFAULT NULL, subtotal_with_discount decimal(12,2) DEFAULT NULL, base_subtotal_with_discount decimal(12,2) DEFAULT NULL,
  is_changed int(5) DEFAULT 1, checkout_method varchar(20) DEFAULT NULL, customer_id int(11) DEFAULT NULL, customer_group varchar(20) DEFAULT NULL,
  customer_email varchar(90) DEFAULT NULL, customer_firstname varchar(50) DEFAULT NULL, customer_lastname varchar(50) DEFAULT NULL,
  customer_is_guest int(5) DEFAULT NULL, remote_ip varchar(26) DEFAULT NULL, coupon_code varchar(100) DEFAULT NULL,
  payment_method varchar(20) DEFAULT NULL, shipping_method varchar(20) DEFAULT NULL, shipping_total decimal(12,2) DEFAULT NULL,
  tracking_number varchar(100) DEFAULT NULL, tracking_company varchar(150) DEFAULT NULL, tracking_company_name varchar(50) DEFAULT NULL,
  base_shipping_total decimal(12,2) DEFAULT NULL, customer_telephone varchar(50) DEFAULT NULL, customer_address_country varchar(50) DEFAULT NULL,
  customer_address_state varchar(50) DEFAULT NULL, customer_address_city varchar(50) DEFAULT NULL, customer_address_zip varchar(20) DEFAULT NULL,
  customer_address_street1 text DEFAULT NULL, customer_address_street2 text DEFAULT NULL, order_remark text DEFAULT NULL,
  txn_type varchar(20) DEFAULT NULL, txn_id varchar(100) DEFAULT NULL, payer_id varchar(30) DEFAULT NULL, ipn_track_id varchar(20) DEFAULT NULL,
  receiver_id varchar(20) DEFAULT NULL, verify_sign varchar(80) DEFAULT NULL, charset varchar(20) DEFAULT NULL, payment_fee decimal(12,2) DEFAULT NULL,
  payment_type varchar(20) DEFAULT NULL, correlation_id varchar(20) DEFAULT NULL, base_payment_fee decimal(12,2) DEFAULT NULL,
  protection_eligibility varchar(20) DEFAULT NULL, protection_eligibility_type varchar(255) DEFAULT NULL, secure_merchant_account_id varchar(20) DEFAULT NULL,
  build varchar(20) DEFAULT NULL, paypal_order_datetime datetime DEFAULT NULL, theme_type int(5) DEFAULT NULL,
  if_is_return_stock int(5) NOT NULL DEFAULT 2, payment_token varchar(255) DEFAULT NULL, version int(5) NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id), UNIQUE KEY increment_id_2 (increment_id), KEY customer_id (customer_id), KEY increment_id (increment_id),
  KEY oupload_at_order_status (updated_at, order_status, if_is_return_stock), KEY payment_token (payment_token), KEY tracking_number (tracking_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8`,
  `CREATE TABLE sales_flat_order_item (
  item_id int(11) unsigned NOT NULL AUTO_INCREMENT, store varchar(100) DEFAULT NULL, order_id int(11) DEFAULT NULL, customer_id int(11) DEFAULT NULL,
  created_at int(11) DEFAULT NULL, updated_at int(11) DEFAULT NULL, product_id varchar(100) DEFAULT NULL, sku varchar(100) DEFAULT NULL,
  name varchar(255) DEFAULT NULL, custom_option_sku varchar(50) DEFAULT NULL, image varchar(255) DEFAULT NULL, weight decimal(12,2) DEFAULT NULL,
  qty int(10) DEFAULT NULL, row_weight decimal(12,2) DEFAULT NULL, price decimal(12,2) DEFAULT NULL, base_price decimal(12,2) DEFAULT NULL,
  row_total decimal(12,2) DEFAULT NULL, base_row_total decimal(12,2) DEFAULT NULL, redirect_url varchar(200) DEFAULT NULL,
  PRIMARY KEY (item_id), KEY order_id (order_id), KEY customer_id (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8`,
  `CREATE TABLE store_base_config (
  id int(12) NOT NULL AUTO_INCREMENT, \`key\` varchar(100) NOT NULL, value text NOT NULL, created_at int(12) NOT NULL, updated_at int(12) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY \`key\` (\`key\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8`,
];

export const BBC_DDL = [
  `ALTER TABLE product_flat ADD bdmin_user_id int(12) NOT NULL DEFAULT 0, ADD KEY bdmin_user_id (bdmin_user_id), ADD is_deputy int(5) DEFAULT NULL, ADD KEY is_deputy (is_deputy)`,
  `ALTER TABLE sales_flat_order
  ADD payment_no varchar(150) DEFAULT NULL AFTER order_id, ADD order_operate_status varchar(80) DEFAULT NULL AFTER order_status,
  ADD bdmin_audit_acceptd_at int(11) DEFAULT NULL AFTER updated_at, ADD dispatched_at int(11) DEFAULT NULL AFTER updated_at,
  ADD recevie_delay_days int(11) DEFAULT NULL, ADD bdmin_user_id int(11) DEFAULT NULL AFTER customer_id,
  ADD customer_address_area varchar(50) DEFAULT NULL AFTER customer_address_city, ADD is_reviewed int(5) DEFAULT 2,
  ADD received_at int(12) DEFAULT NULL, ADD reviewed_at int(12) DEFAULT NULL, MODIFY payment_method varchar(100) DEFAULT NULL,
  MODIFY shipping_method varchar(100) DEFAULT NULL, ADD KEY bdmin_user_id (bdmin_user_id), ADD KEY payment_no (payment_no)`,
  `ALTER TABLE sales_flat_order_item ADD bdmin_user_id int(11) DEFAULT NULL AFTER customer_id, ADD KEY bdmin_user_id (bdmin_user_id),
  ADD item_status varchar(80) DEFAULT NULL, ADD is_reviewed int(5) DEFAULT 2`,
  `CREATE TABLE sales_order_process_log (
  id int(12) NOT NULL AUTO_INCREMENT, created_at int(12) DEFAULT NULL, updated_at int(12) DEFAULT NULL, order_id int(12) DEFAULT NULL,
  increment_id varchar(50) DEFAULT NULL, customer_id int(12) DEFAULT NULL, bdmin_user_id int(12) DEFAULT NULL, type varchar(50) DEFAULT NULL,
  PRIMARY KEY (id), KEY order_id (order_id, bdmin_user_id)
) ENGINE=InnoDB`,
];

/**
 * Creates the store tables of one flavour in the pool's database, with the `service_db` setting
 * (`mysqldb` products, as since 2.0.0). `dispatchedAt` adds the core column some add-on creates.
 */
export async function createStoreSchema(
  pool: Pool,
  flavour: SchemaFlavour,
  opts: { dispatchedAt?: boolean; productStore?: 'mysqldb' | 'mongodb' } = {},
): Promise<void> {
  for (const ddl of CORE_DDL) await pool.query(ddl);
  if (flavour === 'bbc') for (const ddl of BBC_DDL) await pool.query(ddl);
  else if (opts.dispatchedAt) await pool.query('ALTER TABLE sales_flat_order ADD dispatched_at int(11) DEFAULT NULL AFTER updated_at');
  const store = opts.productStore ?? 'mysqldb';
  const value = `a:1:{s:20:"category_and_product";s:${store.length}:"${store}";}`;
  await pool.query('INSERT INTO store_base_config (`key`, value, created_at, updated_at) VALUES (?, ?, UNIX_TIMESTAMP(), UNIX_TIMESTAMP())', [
    'service_db',
    value,
  ]);
}
