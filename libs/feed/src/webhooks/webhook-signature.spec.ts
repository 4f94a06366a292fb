import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './webhook-signature';

describe('Standard Webhooks signature', () => {
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const body = '{"claimId":"c-1","status":"false"}';
  const at = new Date('2026-01-01T00:00:00Z');

  it('generates whsec_ secrets of 24 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('signs as the reference library does', () => {
    const secret = generateWebhookSecret();
    expect(signWebhook(secret, id, at.getTime() / 1000, body)).toBe(new Webhook(secret).sign(id, at, body));
  });

  it('puts one signature per secret, space-separated, each verifying alone', () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders(secrets, id, Math.floor(Date.now() / 1000), body);
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    secrets.forEach((secret, index) => expect(new Webhook(secret).verify(body, { ...headers, 'webhook-signature': signatures[index] })).toEqual(JSON.parse(body)));
    expect(() => new Webhook(secrets[0]).verify(body, { ...headers, 'webhook-signature': signatures[1] })).toThrow();
  });
});
