import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { WrongExpectedVersion } from './event-store.errors';
import type { AppendResult, EventMetadata, NewEvent, RecordedEvent } from './event-store.types';
import type { PgEventStore } from './pg-event-store';

/** An event as a decider sees it: a type and its payload, nothing the store adds. */
export interface DecidedEvent {
  type: string;
  data: object;
}

/**
 * An event-sourced decider: the generic shape of the domain's deciders (and of Emmett's `Decider`), so
 * the store can run any of them without knowing what they decide.
 */
export interface Decider<State, Command, Event> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}

export interface HandleCommandOptions<Event> {
  /** Validates (and upcasts) each stored event before it is folded; it throws on an event it cannot read. */
  readEvent: (event: RecordedEvent) => Event;
  /**
   * The version the caller last saw (an HTTP `If-Match`). When given, a stream at any other version is
   * refused with `WrongExpectedVersion` before the decider runs, even if the command would be a no-op.
   */
  expectedVersion?: number;
  /** Read and append inside the caller's transaction, e.g. to update projections atomically with the events. */
  client?: PoolClient;
  /**
   * The stream's events as the caller read them in that transaction, holding what serialises its writers
   * (e.g. with its own locks, in the same round trip): folded instead of reading the stream again.
   */
  recorded?: readonly RecordedEvent[];
  /** Stored with every new event: who, and which request caused it. */
  metadata?: EventMetadata;
  /** Schema version written with the new events. Defaults to 1. */
  schemaVersion?: number;
  /** Event ids for the new events. Defaults to random UUIDs. */
  newEventId?: () => string;
}

export interface HandleCommandResult<State, Event> {
  streamId: string;
  /** The state before the command. */
  previousState: State;
  /** The state after the new events (the previous state when the decider decided nothing). */
  newState: State;
  newEvents: Event[];
  /** The new events as appended, with their ids (empty when nothing was written). */
  appendedEvents: NewEvent[];
  /** Stream version after the command: the ETag a client sends back as `If-Match`. */
  nextExpectedVersion: number;
  /** Undefined when the decider decided nothing (e.g. an identical retry), so nothing was written. */
  appended?: AppendResult;
}

/**
 * Runs one command against one stream: reads and folds the stream, decides, and appends the new events
 * with the version it read as the expected version, so a concurrent writer makes this append fail with
 * `WrongExpectedVersion` instead of interleaving. Decider errors propagate unchanged; nothing is written then.
 */
export const handleCommand = async <State, Command, Event extends DecidedEvent>(
  store: PgEventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: HandleCommandOptions<Event>,
): Promise<HandleCommandResult<State, Event>> => {
  const recorded = options.recorded ?? (await store.readStream(streamId, {}, options.client ?? store.pool));
  const currentVersion = recorded.at(-1)?.streamVersion ?? 0;
  if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
    throw new WrongExpectedVersion(streamId, options.expectedVersion, currentVersion);
  }
  const previousState = recorded.map(options.readEvent).reduce(decider.evolve, decider.initialState());
  const newEvents = decider.decide(command, previousState);
  if (newEvents.length === 0) {
    return { streamId, previousState, newState: previousState, newEvents, appendedEvents: [], nextExpectedVersion: currentVersion };
  }
  const newEventId = options.newEventId ?? randomUUID;
  const toAppend: NewEvent[] = newEvents.map((event) => ({
    eventId: newEventId(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    schemaVersion: options.schemaVersion ?? 1,
    metadata: options.metadata ?? {},
  }));
  const last = recorded.at(-1);
  const appended = await store.append(streamId, toAppend, {
    expectedVersion: currentVersion,
    client: options.client,
    head: last ? { version: last.streamVersion, hash: last.hash } : undefined,
  });
  return {
    streamId,
    previousState,
    newState: newEvents.reduce(decider.evolve, previousState),
    newEvents,
    appendedEvents: toAppend,
    nextExpectedVersion: appended.nextExpectedVersion,
    appended,
  };
};
