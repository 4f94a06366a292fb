import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

const QUOTE = 'Agali says the convoy left Tessit before dawn';

/**
 * An erasure is one thing: `SourceErased` and the destroyed data key commit together or not at all. Were
 * the event committed alone (the key's destruction failing after it, or the process dying between them),
 * the source would read as erased while its data key still opened its reports' quotes, and a retry of the
 * erasure would be the only thing ever to destroy it.
 */
describe('erasure atomicity', () => {
  let api: ApiTestApp;
  afterAll(() => api.close());

  it('leaves neither the event nor the destroyed key when destroying the key fails, and erases fully on a retry', async () => {
    api = await startApiTestApp();
    const sourceId = (await api.http().post('/sources').send({ name: 'Agali of Tessit', kind: 'local_contact', reliability: 'B', confidential: true }).expect(201)).body.id;
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'B' });
    const claimId = (await api.http().post('/claims').send(openClaimBody(wire)).expect(201)).body.id;
    const reportId = (await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(sourceId, { quote: QUOTE }) }).expect(201)).body.reportId;

    // A real fault in the database, not a stub: the key's destruction fails.
    await api.db.pool.query(`CREATE FUNCTION refuse_key_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.wrapped_key IS NULL THEN RAISE EXCEPTION 'key erasure refused for this test'; END IF; RETURN NEW; END $$`);
    await api.db.pool.query('CREATE TRIGGER refuse_key_erasure BEFORE UPDATE ON subject_data_keys FOR EACH ROW EXECUTE FUNCTION refuse_key_erasure()');
    const failed = await api.as('protector').post(`/sources/${sourceId}/erasure`).send({ reason: 'asked to be forgotten' });
    expect(failed.status).not.toBe(200);
    const erasedEvents = async () => Number((await api.db.pool.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE stream_id = $1 AND event_type = 'SourceErased'", [`source-${sourceId}`])).rows[0].n);
    expect(await erasedEvents()).toBe(0);
    expect((await api.as('reader').get(`/sources/${sourceId}`).expect(200)).body.confidential.identity).toBe('withheld');
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body.quote).toBe(QUOTE);

    await api.db.pool.query('DROP TRIGGER refuse_key_erasure ON subject_data_keys');
    await api.as('protector').post(`/sources/${sourceId}/erasure`).send({ reason: 'asked to be forgotten' }).expect(200);
    expect(await erasedEvents()).toBe(1);
    expect((await api.db.pool.query('SELECT wrapped_key FROM subject_data_keys WHERE subject_id = $1', [sourceId])).rows[0].wrapped_key).toBeNull();
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body.quote).toBe('[erased]');
  });
});
