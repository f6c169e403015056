/**
 * Secrets Manager tests run against the moto_server that globalSetup started. Where moto_server is
 * not installed (and CI is not set) they are skipped, and the reason is printed once per file.
 */
export const motoSkipReason: string | undefined = process.env.FECJST_TEST_MOTO_SKIP;

export const describeWithMoto: jest.Describe = motoSkipReason
  ? (((name: string, fn: () => void) => {
      console.warn(`skipped "${name}": ${motoSkipReason}`);
      return describe.skip(name, fn);
    }) as unknown as jest.Describe)
  : describe;

export function motoEndpoint(): string {
  const endpoint = process.env.FECJST_TEST_MOTO_ENDPOINT;
  if (!endpoint) throw new Error(motoSkipReason ?? 'moto_server endpoint not set');
  return endpoint;
}
