import { describeJstCode, JstApiError } from '../../../shared/jst/jst-errors';
import type { JstClient } from '../../../shared/jst/client';
import { blocker, ok, warning, type Finding } from './finding';

/** Where the operator sees a shop's type by hand (the shop query does not document it, docs/erp-api.md §3f). */
const TYPE_BY_HAND = "in the ERP open 店铺管理 and check that the shop's platform (平台) is 商家自有商城 (own mall): only such shops accept uploaded orders";

/**
 * The ERP half of a setup check, one cheap call (the shop query, docs/erp-api.md §3f): the credentials
 * work (a refusal is explained by its ERP code), and the shop number is one of this account's shops. The
 * shop's type is reported, never decided on: which field carries it, and its values, are not established
 * ([U]), so it is a warning with the way to check it by hand.
 */
export async function checkErpShop(erp: Pick<JstClient, 'shops' | 'generation'>, shopId: number): Promise<Finding[]> {
  let shops;
  try {
    shops = await erp.shops();
  } catch (error) {
    return [erpRefusal(erp.generation, error)];
  }
  const findings: Finding[] = [ok('erp.credentials', `the ERP answered the shop query (${erp.generation} API, ${shops.length} shop(s) in the account)`)];
  const shop = shops.find((s) => s.shop_id === shopId);
  if (!shop) {
    const listed = shops.slice(0, 10).map((s) => `${s.shop_id} ${s.shop_name ?? ''}`.trim());
    findings.push(
      blocker(
        'erp.shop',
        `shop ${shopId} is not a shop of this ERP account (its shops: ${listed.join(', ') || 'none'}${shops.length > 10 ? ', …' : ''})`,
        "set the stage's JST_SHOP_ID (serverless.yml params.<stage>.jstShopId) to the 店铺编号 of your 自有商城 shop, or use the credentials of the account that owns the shop",
      ),
    );
    return findings;
  }
  findings.push(ok('erp.shop', `shop ${shopId} (${shop.shop_name ?? 'no name'}) is a shop of this account`));
  findings.push(
    warning(
      'erp.shopType',
      `shop type not verified: the ERP reports shop_site "${shop.shop_site ?? ''}", and no source says which value means 商家自有商城`,
      `look up shop ${shopId} ${TYPE_BY_HAND}`,
    ),
  );
  return findings;
}

/** A failed ERP call as a blocker: what the ERP code means and what fixes it. */
export function erpRefusal(generation: 'legacy' | 'open', error: unknown): Finding {
  if (!(error instanceof JstApiError))
    return blocker('erp.credentials', `the ERP call failed: ${(error as Error).message}`, 'check JST_BASE_URL and the network path to the ERP');
  const meaning = error.jstCode === undefined ? error.message : `code ${error.jstCode}: ${describeJstCode(generation, error.jstCode).meaning}`;
  return blocker('erp.credentials', `the ERP refused the shop query (${meaning})`, fixFor(generation, error));
}

function fixFor(generation: 'legacy' | 'open', error: JstApiError): string {
  const code = error.jstCode;
  if (generation === 'open') {
    if (code === 10) return "appSecret does not match the app key: copy both again from the open platform's app page";
    if (code === 100) return 'the access token is wrong or expired: run ops connect again (getInitToken issues a new pair for a self-developed app)';
    if (code === 110) return "add the outbound IP of the functions (the NAT gateway's elastic IP) to the app's IP whitelist (IP白名单)";
    if (code === 150)
      return 'a third-party (服务商) app may not get or refresh tokens itself: authorise it again and give connect its accessToken and refreshToken';
    if (code === 190) return 'give the app the API permission package that contains 店铺查询, inventory, orders and logistics';
  } else {
    if (code === 100) return "partnerId is wrong: copy it again from the ERP's 合作伙伴 settings";
    if (code === 120) return 'partnerKey does not match the partner id';
    if (code === 170) return 'the token is wrong or expired: ask the ERP for the token again and run ops connect';
    if (code === 190) return 'the partner has no permission for this method: ask Jushuitan to enable it';
  }
  if (code === 180) return 'the clock of this machine is off: synchronise it (NTP)';
  if (error.code === 'JST_NETWORK' || error.code === 'JST_HTTP_STATUS' || error.code === 'JST_NOT_JSON')
    return 'check JST_BASE_URL (per-stage jstBaseUrl) and that the ERP is reachable from here';
  return 'see the troubleshooting table in README "Connect your shop"';
}
