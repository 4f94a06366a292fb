import { ClaimLedgerMetrics } from './metrics';

describe('ClaimLedgerMetrics', () => {
  it('keeps the figures of two applications in one process apart (a registry each, not the global one)', async () => {
    const first = new ClaimLedgerMetrics();
    const second = new ClaimLedgerMetrics();
    first.eventsAppended.inc(3);
    first.statusChanges.inc({ status: 'corroborated' });
    second.eventsAppended.inc(1);
    const text = (await first.exposition()).body;
    expect(text).toMatch(/^claim_ledger_events_appended_total 3$/m);
    expect(text).toMatch(/^claim_ledger_status_changes_total\{status="corroborated"\} 1$/m);
    expect((await second.exposition()).body).toMatch(/^claim_ledger_events_appended_total 1$/m);
  });

  it('declares every series, with the default process and Node ones, even before anything is counted', async () => {
    const { body, contentType } = await new ClaimLedgerMetrics().exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ['http_server_request_duration_seconds', 'histogram'],
      ['claim_ledger_events_appended_total', 'counter'],
      ['claim_ledger_subscription_lag_events', 'gauge'],
      ['claim_ledger_outbox_pending', 'gauge'],
      ['claim_ledger_feed_published_total', 'counter'],
      ['claim_ledger_status_changes_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) expect(body).toContain(`# TYPE ${name} ${type}`);
  });
});
