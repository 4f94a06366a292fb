import { z } from 'zod';
import { buildAsyncApiDocument, type AsyncApiChannelEntry } from './asyncapi.document';

interface BuiltDocument {
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: { messages: Record<string, { payload: Record<string, unknown> }> };
}

const servers = { http: { host: 'claims.example.org', protocol: 'https' } };

const channel = (id: string, overrides: Partial<AsyncApiChannelEntry> = {}): AsyncApiChannelEntry => ({
  id,
  address: `/${id}`,
  servers: ['http'],
  title: id,
  messages: [{ id: `${id}Message`, name: `${id}.v1`, title: id, contentType: 'application/json', payload: z.strictObject({ id: z.uuid() }) }],
  operation: { id: `send${id}`, action: 'send', summary: id },
  ...overrides,
});

describe('buildAsyncApiDocument', () => {
  it('turns one entry into a channel, an operation and a message, linked by refs, with draft-07 schemas', () => {
    const document = buildAsyncApiDocument({ info: { title: 't', version: '1' }, servers, channels: [channel('deliveries', { servers: [], parameters: { webhookId: { description: 'the endpoint' } } })] }) as unknown as BuiltDocument;
    expect(document.channels.deliveries).toEqual({
      address: '/deliveries',
      title: 'deliveries',
      parameters: { webhookId: { description: 'the endpoint' } },
      messages: { deliveriesMessage: { $ref: '#/components/messages/deliveriesMessage' } },
    });
    expect(document.operations.senddeliveries).toEqual({
      action: 'send',
      summary: 'deliveries',
      channel: { $ref: '#/channels/deliveries' },
      messages: [{ $ref: '#/channels/deliveries/messages/deliveriesMessage' }],
    });
    const { payload } = document.components.messages.deliveriesMessage;
    expect(payload).toMatchObject({ type: 'object', required: ['id'], additionalProperties: false });
    expect(payload.$schema).toBeUndefined();
  });

  it('refuses ids used twice and servers it does not have', () => {
    const build = (channels: AsyncApiChannelEntry[]) => () => buildAsyncApiDocument({ info: { title: 't', version: '1' }, servers, channels });
    expect(build([channel('a'), channel('a', { messages: [], operation: { id: 'other', action: 'send', summary: '' } })])).toThrow(/channel id a/);
    expect(build([channel('a'), channel('b', { operation: { id: 'senda', action: 'send', summary: '' } })])).toThrow(/operation id senda/);
    expect(build([channel('a', { servers: ['kafka'] })])).toThrow(/unknown server kafka/);
  });
});
