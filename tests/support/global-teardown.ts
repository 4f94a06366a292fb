export default async function globalTeardown(): Promise<void> {
  await globalThis.testKafka?.stop();
  await globalThis.testPostgres?.stop();
}
