export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __fecjstStops?: Array<() => Promise<void>> }).__fecjstStops ?? [];
  for (const stop of stops.reverse()) await stop();
}
