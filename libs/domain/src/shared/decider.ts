/**
 * Who and when, supplied by the caller: the domain never reads a clock or invents ids, so replaying
 * a command against the same state always yields the same events.
 */
export interface CommandMetadata {
  /** ISO 8601 instant the command is decided at; it becomes `recordedAt`. */
  now: string;
  /** Editor, analyst or service account id; it becomes `recordedBy`. */
  actor: string;
}

/** A domain command, shaped like Emmett's `Command<Type, Data, Metadata>`. */
export interface DomainCommand<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

/**
 * The three functions of an event-sourced decider. The signatures match Emmett's `Decider`, so a generic
 * `handleCommand(store, streamId, decider, command)` can run any of them.
 */
export interface Decider<State, Command, Event> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}

/** Folds events into state, as a store read does. */
export const foldEvents = <State, Event>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
  from: State = decider.initialState(),
): State => events.reduce(decider.evolve, from);

/** Compile-time exhaustiveness check for `switch` over discriminated unions. */
export const assertNever = (value: never): never => {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
};
