// Runs inside Jest specs only: it asserts with Jest's global `expect` (the reference makes the
// build, which compiles this lib through the e2e fixtures' imports, know its type).
/// <reference types="jest" />
import { DomainError } from '@pki/contracts';

/** A pure aggregate: decide(command, state) -> events, evolve(state, event) -> state (STYLE.md "The decider"). */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}

/**
 * What a spec expects of a refusal: the error's class, a predicate on it, or the DomainError
 * members it must carry (`message` as the exact text, a pattern or an asymmetric matcher such
 * as `expect.stringContaining`).
 */
export type ErrorExpectation =
  | (abstract new (...args: never[]) => Error)
  | ((error: unknown) => boolean)
  | { readonly kind?: string; readonly code?: string; readonly message?: string | RegExp };

/** The value `run` throws; fails the spec when it returns instead. */
export function thrownBy(run: () => unknown, what = 'an error'): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${what} to be thrown, but nothing was`);
}

/** The DomainError `run` throws, for specs that check its kind, code, message or fields; any other error fails the spec as it was thrown. */
export function errorOf(run: () => unknown): DomainError {
  const error = thrownBy(run, 'a DomainError');
  if (error instanceof DomainError) return error;
  throw error;
}

/** Fails the spec unless `error` meets `expected` (see {@link ErrorExpectation}). */
export function expectError(error: unknown, expected: ErrorExpectation): void {
  if (typeof expected !== 'function') {
    const { message, ...members } = expected;
    const wanted = message === undefined ? members : { ...members, message: message instanceof RegExp ? expect.stringMatching(message) : message };
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject(wanted);
  } else if (expected.prototype instanceof Error || expected === Error) {
    expect(error).toBeInstanceOf(expected);
  } else if (!(expected as (error: unknown) => boolean)(error)) {
    throw new Error(`the thrown error does not meet ${expected.name || 'the predicate'}: ${String(error)}`, { cause: error });
  }
}

export interface DeciderWhen<Event, State> {
  /** The events decided; a refusal propagates as thrown. */
  events(): Event[];
  /** Asserts the decided events equal `expected`. */
  then(expected: readonly Event[]): void;
  /** Asserts the command is refused as `expected`; returns the error (typed as the DomainError deciders throw) for further checks. */
  thenThrows(expected: ErrorExpectation): DomainError;
  /** The state after the decided events, for specs that read the state machine's result. */
  state(): State;
}

export interface DeciderGiven<Command, Event, State> {
  /** The state the history folds to. */
  readonly state: State;
  when(command: Command): DeciderWhen<Event, State>;
}

export interface DeciderSpec<Command, Event, State> {
  /** given(events): the history, folded with evolve from the initial state. */
  given(events: readonly Event[]): DeciderGiven<Command, Event, State>;
  /** Decides the commands in turn from the initial state, evolving after each: every event, a real history to give. */
  history(...commands: Command[]): Event[];
}

/**
 * given/when/then over a decider, with no I/O (Emmett's DeciderSpecification):
 * `deciderSpec(d).given([CertificateRequested]).when(RecordSignature).then([CertificateIssued])`.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>): DeciderSpec<Command, Event, State> {
  const { decide, evolve, initialState } = decider;
  const given = (events: readonly Event[]): DeciderGiven<Command, Event, State> => {
    const state = events.reduce(evolve, initialState);
    return {
      state,
      when: (command) => ({
        events: () => decide(command, state),
        then: (expected) => expect(decide(command, state)).toEqual(expected),
        thenThrows: (expected) => {
          const error = thrownBy(() => decide(command, state), 'a refusal');
          expectError(error, expected);
          return error as DomainError;
        },
        state: () => decide(command, state).reduce(evolve, state),
      }),
    };
  };
  const history = (...commands: Command[]): Event[] => {
    let state = initialState;
    const events: Event[] = [];
    for (const command of commands) {
      const decided = decide(command, state);
      state = decided.reduce(evolve, state);
      events.push(...decided);
    }
    return events;
  };
  return { given, history };
}
