/** An ERP business error: answered as HTTP 200 with this code and message (docs/erp-api.md §2.5, §4.5). */
export class SandboxError extends Error {
  constructor(
    readonly jstCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Messages as documented (docs/erp-api.md §2.6). */
export const ERP_MESSAGES = {
  badSignOpen: '验证失败！无效签名',
  badSignLegacy: '签名错误',
  tokenOpen: '验证失败！无效的access_token或access_token已过期',
  tokenLegacy: 'token已过期',
  partner: '合作者参数错误',
  empty: '传输数据不能为空',
  invalid: '参数不符合规范,请检查传入参数!',
  internal: '内部处理异常！',
  timestamp: '执行失败! timestamp invalid',
  noApi: '接口不存在',
  noPermission: '调用无权限',
  perSecond: '调用太频繁，请稍后再试!',
  perMinute: '调用频次超过限制!',
} as const;

export function invalidParameter(detail: string): SandboxError {
  return new SandboxError(140, `${ERP_MESSAGES.invalid} (${detail})`);
}
