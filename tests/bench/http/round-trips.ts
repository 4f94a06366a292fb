// `node -r ./infra/register.js tests/bench/http/round-trips.ts`: the SQL statements one request sends.
//
// Builds the application as bench:http does (http-bench.app.ts), warms it up, then sends one request of
// each kind (POST /claims, POST /claims/:id/reports, GET /claims/:id, each alone) and prints every
// statement the pool's connections sent while it ran, in order: the round trips a command costs.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startBenchApp } from './http-bench.app';

interface Sent {
  text: string;
  name?: string;
}

const main = async () => {
  const app = await startBenchApp(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { sources: 2, claims: 4 });
  const sent: Sent[] = [];
  let recording = false;
  const original = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: Client, ...args: unknown[]) {
    if (recording) {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string; name?: string }).text ?? String(first);
      sent.push({ text: text.replace(/\s+/g, ' ').slice(0, 140), name: typeof first === 'object' ? (first as { name?: string }).name : undefined });
    }
    return original.apply(this, args);
  };
  try {
    const [opener, reporter] = [app.sourceIds[0], app.sourceIds[1]];
    let pass = 0;
    const requests: Array<[string, () => Promise<unknown>]> = [
      ['POST /claims', () => app.post('/claims', app.openClaimBody(opener, 0))],
      ['POST /claims/:id/reports', () => app.post(`/claims/${app.claimIds[pass++]}/reports`, app.reportBody(reporter))],
      ['POST /claims (Idempotency-Key)', () => app.post('/claims', app.openClaimBody(opener, 1), { 'idempotency-key': randomUUID() })],
      ['GET /claims/:id', () => app.get(`/claims/${app.claimIds[1]}`)],
      ['POST /bench/floor', () => app.post('/bench/floor', { a: 1 })],
    ];
    // Warm-up: prepared statements, caches.
    for (const [, send] of requests) await send();
    for (const [label, send] of requests) {
      sent.length = 0;
      recording = true;
      await send();
      recording = false;
      process.stdout.write(`\n${label}: ${sent.length} statements\n`);
      for (const statement of sent) process.stdout.write(`  ${statement.name ? `[${statement.name}] ` : ''}${statement.text}\n`);
    }
  } finally {
    Client.prototype.query = original as never;
    await app.close();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
