import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../support/npm-start';
import { launchChromium } from './browser';
import { seedSahel, startConsoleServer } from './console-server';

const ARTIFACTS = path.join(__dirname, 'artifacts');
const AXE = readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Waits until the locator shows text matching `pattern` (Playwright's auto-waiting, no sleep), then checks
 * it: a locator that never matches fails the test after the action timeout.
 */
const shows = async (locator: Locator, pattern: RegExp): Promise<void> => {
  await locator.filter({ hasText: pattern }).first().waitFor({ state: 'visible', timeout: 20_000 });
  expect(await locator.first().textContent()).toMatch(pattern);
};

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core violations of the page as it is now (the CSP is bypassed for the injected script only). */
const seriousViolations = async (page: Page): Promise<{ id: string; help: string; targets: string[] }[]> => {
  await page.addScriptTag({ content: AXE });
  // A string: it runs in the page, whose globals this (Node) file does not type.
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)")) as AxeViolation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => ({ id: violation.id, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
};

/**
 * The review console in a real Chromium against a real `npm start` (embedded PostgreSQL, the Sahel
 * dataset): an editor signs in, opens the Kalamba claim, reads its status and timeline, logs a dispute from
 * a credible source and watches the status change arrive on the stream, assigns the claim, ticks a task
 * and comments. Every step waits on what the page shows, never on time.
 */
describe('review console (browser)', () => {
  let server: Awaited<ReturnType<typeof startConsoleServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let editorKey: string;
  let analyst: { id: string; secret: string };
  let claimId: string;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startConsoleServer();
    editorKey = (await server.createKey('Amina Diallo', 'editor')).secret;
    analyst = await server.createKey('Jonas Weber', 'analyst');
    await seedSahel(server.base, editorKey);
    const list = await fetch(`${server.base}/claims?q=Kalamba&category=execution`, { headers: { Authorization: `Bearer ${editorKey}` } });
    claimId = ((await list.json()) as { items: { id: string }[] }).items[0].id;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.service.stop();
    if (server) rmSync(server.dataParent, { recursive: true, force: true });
  });

  const claimStatus = async (): Promise<string> =>
    ((await (await fetch(`${server.base}/claims/${claimId}`, { headers: { Authorization: `Bearer ${editorKey}` } })).json()) as { status: string }).status;

  it('serves the console at /console under a strict CSP', async () => {
    for (const route of ['/console', '/console/']) {
      const response = await fetch(`${server.base}${route}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'; style-src 'self'");
      expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    }
  });

  it('asks for the key once, and keeps it in sessionStorage, never in the URL', async () => {
    await page.goto(`${server.base}/console`);
    await page.getByLabel('API key').fill('clk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows(page.locator('#key-error'), /API key|Unauthorized|key/i);
    await page.getByLabel('API key').fill(editorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('queue-table').waitFor();
    expect(page.url()).not.toContain(editorKey);
    expect(await page.evaluate('Object.values(sessionStorage)')).toContain(editorKey);
    expect(await page.evaluate('Object.values(localStorage)')).toEqual([]);
  });

  it('shows the queue with status, confidence band and work state at a glance', async () => {
    const rows = page.getByTestId('queue-table').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    const kalamba = page.locator(`tr[data-claim-id="${claimId}"]`);
    await shows(kalamba, /unverified/);
    await shows(kalamba, /roughly even chance/);
    await shows(kalamba, /new/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-full.png'), fullPage: true });
    // A desk filter: contested and unassigned (the Sahel dataset has such claims, Kalamba is not yet one).
    await page.getByLabel('Show').selectOption('contested');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/view=contested/);
    await page.getByTestId('queue-results').locator('table, .empty').first().waitFor();
    expect(await page.locator(`tr[data-claim-id="${claimId}"]`).count()).toBe(0);
  });

  it('opens the Kalamba claim: status and reason, confidence band, Admiralty rating, provenance, timeline', async () => {
    await page.goto(`${server.base}/console/#/claims/${claimId}`);
    await shows(page.getByTestId('statement'), /Kalamba/);
    await shows(page.getByTestId('published-status'), /unverified/);
    await shows(page.getByTestId('status-reason'), /no independent credible source/);
    await shows(page.getByTestId('confidence'), /roughly even chance/);
    await shows(page.getByTestId('credibility'), /6 · truth cannot be judged/);
    await shows(page.getByTestId('reports'), /self-interested/);
    await shows(page.getByTestId('reports'), /retracted/);
    // One node per report, the retracted one included (outside every cluster).
    expect(await page.getByTestId('provenance-graph').locator('g.node').count()).toBe(await page.getByTestId('reports').locator('tbody tr').count());
    expect(await page.getByTestId('provenance-graph').locator('g.node-discounted').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('provenance-graph').locator('path.relay').count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId('timeline-chart').locator('canvas').waitFor();
    const entries = page.getByTestId('timeline-entry');
    expect(await entries.count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('[data-testid="timeline-entry"][data-event-type="ClaimReportRetracted"]').count()).toBe(1);
    expect(await page.locator('[data-testid="timeline-entry"][data-event-type="SourceReliabilityRegraded"]').count()).toBeGreaterThanOrEqual(1);
  });

  it('time-travels: a timeline point shows the claim as of then', async () => {
    await page.getByText(/All \d+ entries/).click();
    await page.locator('[data-testid="timeline-entry"][data-event-type="ClaimAsserted"]').click();
    await shows(page.getByTestId('point-in-time'), /as of claim version 1/);
    // The first report alone: one self-interested voice; the reports table holds only it.
    expect(await page.getByTestId('reports').locator('tbody tr').count()).toBe(1);
    // Clicking the chart itself picks the nearest point too.
    const over = page.getByTestId('timeline-chart').locator('.u-over');
    const box = (await over.boundingBox())!;
    await over.click({ position: { x: box.width - 2, y: box.height / 2 } });
    await shows(page.getByTestId('point-in-time'), /as of/);
    await page.getByRole('link', { name: 'Back to now' }).click();
    await page.getByTestId('work-panel').waitFor();
    expect(await page.getByTestId('point-in-time').count()).toBe(0);
  });

  it('shows the API problem next to the field, then logs a dispute and sees the status change arrive live', async () => {
    await shows(page.getByTestId('live-state'), /^live$/);
    const form = page.getByTestId('add-report-form');
    await form.getByLabel('Stance').selectOption('disputes');
    await form.getByRole('button', { name: 'Add the report' }).click();
    // POST /sources refused the empty name: the problem names `name`, shown under the new source's name.
    await shows(form.locator('[name="source.name"] ~ .field-error'), /.+/);
    await shows(form.getByTestId('add-report-form-error'), /VALIDATION_FAILED/);

    await form.getByLabel('New source: name').fill('Ministry of Security (Burkina Faso)');
    await form.getByLabel('New source: kind').selectOption('government_or_military');
    await form.getByLabel('New source: reliability (Admiralty)').selectOption('B');
    await form.getByLabel('Published at').fill('2023-10-24T10:00:00Z');
    await form.getByLabel('URL of the report').fill('https://example.org/ministry-statement');
    await form.getByLabel('Quote').fill('No such incident has been recorded.');
    await form.getByRole('button', { name: 'Add the report' }).click();
    // A dispute without its reason: the report route names `reason`.
    await shows(form.locator('[name="reason"] ~ .field-error'), /.+/);
    const sourceId = await form.getByLabel('Source', { exact: true }).inputValue();
    expect(sourceId).toBe('new');
    await form.getByLabel('New source: name').fill('Ministry of Security (Burkina Faso), press office');
    await form.getByLabel('Why it disputes the claim').fill('Says no executions took place near Kalamba that week.');
    await form.getByRole('button', { name: 'Add the report' }).click();

    // The stream (fetch + Authorization, parsed in the page) announces the change the API made.
    await page.getByTestId('live-log').locator('li').first().waitFor();
    const status = await claimStatus();
    expect(status).toMatch(/^(disputed|contested)$/);
    await shows(page.getByTestId('live-log').locator(`li[data-status="${status}"]`), new RegExp(`unverified → ${status}`));
    await shows(page.getByTestId('published-status'), new RegExp(status));
  });

  it('updates live when someone else changes the claim', async () => {
    // Another member of the desk withdraws the ministry's dispute through the API: the status changes back.
    const claim = (await (await fetch(`${server.base}/claims/${claimId}`, { headers: { Authorization: `Bearer ${analyst.secret}` } })).json()) as { reports: { reportId: string; stance: string }[] };
    const dispute = claim.reports.find((report) => report.stance === 'disputes')!;
    const answer = await fetch(`${server.base}/claims/${claimId}/reports/${dispute.reportId}/retraction`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${analyst.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'The ministry withdrew its statement' }),
    });
    expect(answer.status).toBe(200);
    const status = ((await answer.json()) as { status: string }).status;
    expect(status).toBe('unverified');
    await shows(page.getByTestId('live-log').locator('li').first(), /(disputed|contested) → unverified/);
    await shows(page.getByTestId('published-status'), new RegExp(status));
    await shows(page.getByTestId('reports'), /The ministry withdrew its statement/);
  });

  it('assigns the claim, ticks a task and comments (markdown shown as text)', async () => {
    const work = page.getByTestId('work-panel');
    await work.getByLabel('Assignee').selectOption(analyst.id);
    await work.getByRole('button', { name: 'Assign' }).click();
    await shows(work.getByTestId('assignee'), /Jonas Weber/);

    await work.getByLabel('geolocate').check();
    await shows(work.locator('li.done'), /geolocate/);
    expect(await work.getByLabel('geolocate').isChecked()).toBe(true);

    await work.getByRole('button', { name: 'Move to in progress' }).click();
    await shows(work.getByTestId('work-state'), /in progress/);

    const comment = 'Geolocated the **market square** <img src=x onerror=alert(1)> from the video.';
    await work.getByLabel('Comment').fill(comment);
    await work.getByRole('button', { name: 'Post comment' }).click();
    await shows(work.getByTestId('comments'), /market square/);
    expect(await work.getByTestId('comments').locator('.comment-body').last().textContent()).toBe(comment);
    expect(await work.getByTestId('comments').locator('img, strong.md').count()).toBe(0);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'claim.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'claim-full.png'), fullPage: true });
  });

  it('draws the timeline on the reporting clock too, and keeps screenshots of both pages', async () => {
    await page.getByTestId('clock-reported').click();
    await page.waitForURL(/clock=reported/);
    await page.getByTestId('timeline-chart').locator('canvas').waitFor();
    await page.getByTestId('work-panel').getByTestId('comments').waitFor();
    await shows(page.getByTestId('timeline'), /20 Oct 2023/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'claim-reporting-clock.png') });
    copyFileSync(path.join(ARTIFACTS, 'queue.png'), path.join(REPO_ROOT, 'docs', 'console-queue.png'));
    copyFileSync(path.join(ARTIFACTS, 'claim.png'), path.join(REPO_ROOT, 'docs', 'console-claim.png'));
  });

  it('is usable with the keyboard: a skip link, then focusable controls', async () => {
    await page.goto(`${server.base}/console/#/queue`);
    await page.reload(); // a fresh load, not a navigation inside the page
    await page.getByTestId('queue-table').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.tagName')).toMatch(/SELECT|INPUT|A|BUTTON/);
  });

  it('ran without a CSP violation or a script error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('passes axe-core with no serious or critical violation on the queue and the claim page', async () => {
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1360, height: 900 } });
    try {
      const axePage = await axeContext.newPage();
      await axePage.goto(`${server.base}/console/#/queue`);
      await axePage.getByLabel('API key').fill(editorKey);
      expect(await seriousViolations(axePage)).toEqual([]);
      await axePage.getByRole('button', { name: 'Sign in' }).click();
      await axePage.getByTestId('queue-table').waitFor();
      expect(await seriousViolations(axePage)).toEqual([]);
      await axePage.goto(`${server.base}/console/#/claims/${claimId}`);
      await axePage.getByTestId('work-panel').getByTestId('comments').waitFor();
      await axePage.getByTestId('timeline-chart').locator('canvas').waitFor();
      expect(await seriousViolations(axePage)).toEqual([]);
    } finally {
      await axeContext.close();
    }
  });

  it('signs out: the key leaves the session', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([]);
  });
});
