import type { z } from 'zod';
import { asyncApiSchema, type JsonSchema } from './json-schema';

/** A server of the document: a Kafka cluster, the HTTP API. */
export interface AsyncApiServerEntry {
  host: string;
  protocol: string;
  pathname?: string;
  title?: string;
  description?: string;
  /** Ids of `components.securitySchemes`. */
  security?: string[];
  bindings?: Record<string, unknown>;
}

/** One message of a channel; its schemas are the zod schemas that check it. */
export interface AsyncApiMessageEntry {
  /** Key in `components.messages` (unique in the document). */
  id: string;
  /** The message name: the CloudEvents type or the SSE event name. */
  name: string;
  title: string;
  summary?: string;
  description?: string;
  contentType: string;
  payload: z.ZodType;
  headers?: z.ZodType;
  /** Message bindings, JSON as AsyncAPI wants it (see `kafkaMessageBindings`). */
  bindings?: Record<string, unknown>;
}

/**
 * One channel and the one operation the application performs on it. Adding a feed to the document is
 * one of these in `asyncapi.channels.ts`.
 */
export interface AsyncApiChannelEntry {
  /** Key in `channels`. */
  id: string;
  /** The topic, path or URL template. */
  address: string;
  /** Ids of the servers it lives on; empty: every server (AsyncAPI's default), e.g. a consumer's webhook URL. */
  servers: string[];
  /** Parameters of an address template (`{webhookId}`), by name. */
  parameters?: Record<string, { description: string; examples?: string[] }>;
  title: string;
  description?: string;
  bindings?: Record<string, unknown>;
  messages: AsyncApiMessageEntry[];
  operation: {
    /** Key in `operations`. */
    id: string;
    /** What the application does: it `send`s its feeds (consumers receive them). */
    action: 'send' | 'receive';
    summary: string;
    description?: string;
    bindings?: Record<string, unknown>;
  };
}

export interface AsyncApiDocumentSpec {
  info: { title: string; version: string; description?: string };
  servers: Record<string, AsyncApiServerEntry>;
  channels: AsyncApiChannelEntry[];
  securitySchemes?: Record<string, Record<string, unknown>>;
}

const ref = (...path: string[]) => ({ $ref: `#/${path.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` });

/** The AsyncAPI 3.0.0 document of the given servers and channels, every schema converted from zod. */
export const buildAsyncApiDocument = (spec: AsyncApiDocumentSpec): JsonSchema => {
  const messages: Record<string, JsonSchema> = {};
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  for (const channel of spec.channels) {
    for (const message of channel.messages) {
      if (messages[message.id]) throw new Error(`AsyncAPI: message id ${message.id} is used twice`);
      messages[message.id] = {
        name: message.name,
        title: message.title,
        ...(message.summary ? { summary: message.summary } : {}),
        ...(message.description ? { description: message.description } : {}),
        contentType: message.contentType,
        ...(message.headers ? { headers: asyncApiSchema(message.headers) } : {}),
        payload: asyncApiSchema(message.payload),
        ...(message.bindings ? { bindings: message.bindings } : {}),
      };
    }
    if (channels[channel.id]) throw new Error(`AsyncAPI: channel id ${channel.id} is used twice`);
    channels[channel.id] = {
      address: channel.address,
      title: channel.title,
      ...(channel.description ? { description: channel.description } : {}),
      ...(channel.servers.length
        ? {
            servers: channel.servers.map((server) => {
              if (!spec.servers[server]) throw new Error(`AsyncAPI: channel ${channel.id} names an unknown server ${server}`);
              return ref('servers', server);
            }),
          }
        : {}),
      ...(channel.parameters ? { parameters: channel.parameters } : {}),
      messages: Object.fromEntries(channel.messages.map((message) => [message.id, ref('components', 'messages', message.id)])),
      ...(channel.bindings ? { bindings: channel.bindings } : {}),
    };
    const { id, bindings, ...operation } = channel.operation;
    if (operations[id]) throw new Error(`AsyncAPI: operation id ${id} is used twice`);
    operations[id] = {
      ...operation,
      channel: ref('channels', channel.id),
      messages: channel.messages.map((message) => ref('channels', channel.id, 'messages', message.id)),
      ...(bindings ? { bindings } : {}),
    };
  }
  const servers = Object.fromEntries(
    Object.entries(spec.servers).map(([id, { security, ...server }]) => [id, { ...server, ...(security ? { security: security.map((scheme) => ref('components', 'securitySchemes', scheme)) } : {}) }]),
  );
  return {
    asyncapi: '3.0.0',
    info: spec.info,
    defaultContentType: 'application/json',
    servers,
    channels,
    operations,
    components: { messages, ...(spec.securitySchemes ? { securitySchemes: spec.securitySchemes } : {}) },
  };
};
