/** Captures what is written to stdout and stderr (Powertools logs, EMF metrics) while `fn` runs. */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; lines: string[] }> {
  const streams = [process.stdout, process.stderr] as Array<{ write: unknown }>;
  const originals = streams.map((s) => s.write);
  const chunks: string[] = [];
  for (const s of streams) {
    s.write = (chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  }
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (e) {
    error = e;
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]));
  }
  return { result, error, lines: chunks.join('').split('\n').filter(Boolean) };
}

/** A Lambda context good enough for handlers under test. */
export function lambdaContext(remainingMs = 300_000, requestId = `req-${Math.random().toString(36).slice(2)}`) {
  const started = Date.now();
  return {
    awsRequestId: requestId,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:test',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
