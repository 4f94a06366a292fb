import type { Decider } from '../shared/decider';
import type { DomainError } from '../shared/domain-error';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * Given/when/then for deciders, in the style of Emmett's `DeciderSpecification`:
 *
 * ```ts
 * const spec = deciderSpecification(claimDecider);
 * spec.given([asserted]).when(retract).then([retracted]);
 * spec.given([]).when(retract).thenThrows(ClaimNotFound, { field: 'claimId' });
 * ```
 */
export const deciderSpecification =
  <State, Command, Event>(decider: Decider<State, Command, Event>) =>
  (givenEvents: readonly Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, givenEvents.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: readonly Event[]) => expect(run()).toEqual(expected),
        /** The command is accepted and changes nothing (idempotent retry or no-op edit). */
        thenNothingHappens: () => expect(run()).toEqual([]),
        thenThrows: <E extends ErrorClass>(errorClass: E, expected: Partial<InstanceType<E>> = {}) => {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          expect(thrown).toMatchObject(expected);
        },
      };
    },
  });

