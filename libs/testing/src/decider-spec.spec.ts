import { DomainError } from '@pki/contracts';
import { deciderSpec, errorOf, expectError, thrownBy } from './decider-spec';

/** A counter that refuses to go below zero: the smallest decider with both outcomes. */
type Command = { type: 'Add'; by: number } | { type: 'Take'; by: number };
type Event = { type: 'Added'; by: number } | { type: 'Taken'; by: number };
const counter = deciderSpec<Command, Event, { total: number }>({
  initialState: { total: 0 },
  decide: (command, { total }) => {
    if (command.type === 'Add') return [{ type: 'Added', by: command.by }];
    if (command.by > total) throw new DomainError('Conflict', `cannot take ${command.by} from ${total}`, 'InvalidStateException');
    return command.by === 0 ? [] : [{ type: 'Taken', by: command.by }];
  },
  evolve: ({ total }, event) => ({ total: event.type === 'Added' ? total + event.by : total - event.by }),
});

describe('deciderSpec', () => {
  it('folds the given events, decides the command and compares the events', () => {
    const given = counter.given([{ type: 'Added', by: 2 }]);
    expect(given.state).toEqual({ total: 2 });
    given.when({ type: 'Take', by: 1 }).then([{ type: 'Taken', by: 1 }]);
    given.when({ type: 'Take', by: 0 }).then([]);
    expect(given.when({ type: 'Take', by: 2 }).state()).toEqual({ total: 0 });
    expect(() => given.when({ type: 'Take', by: 1 }).then([])).toThrow(/toEqual/);
  });

  it('history decides each command on the state the previous ones left', () => {
    expect(counter.history({ type: 'Add', by: 2 }, { type: 'Take', by: 2 })).toEqual([
      { type: 'Added', by: 2 },
      { type: 'Taken', by: 2 },
    ]);
    expect(() => counter.history({ type: 'Add', by: 1 }, { type: 'Take', by: 2 })).toThrow('cannot take 2 from 1');
  });

  it('thenThrows matches the DomainError members, its class or a predicate, and returns it', () => {
    const when = counter.given([]).when({ type: 'Take', by: 1 });
    const error = when.thenThrows({ kind: 'Conflict', code: 'InvalidStateException', message: 'cannot take 1 from 0' });
    expect(error).toBeInstanceOf(DomainError);
    when.thenThrows({ message: /take 1/ });
    when.thenThrows({ message: expect.stringContaining('from 0') });
    when.thenThrows(DomainError);
    when.thenThrows((e) => e instanceof DomainError && e.kind === 'Conflict');
  });

  it('thenThrows fails when the command is decided, or refused otherwise', () => {
    const refused = counter.given([]).when({ type: 'Take', by: 1 });
    expect(() => counter.given([]).when({ type: 'Add', by: 1 }).thenThrows({ kind: 'Conflict' })).toThrow('expected a refusal to be thrown, but nothing was');
    expect(() => refused.thenThrows({ code: 'ResourceNotFoundException' })).toThrow(/toMatchObject/);
    expect(() => refused.thenThrows({ message: /from 1/ })).toThrow(/toMatchObject/);
    expect(() => refused.thenThrows(TypeError)).toThrow(/toBeInstanceOf/);
    expect(() => refused.thenThrows(() => false)).toThrow(/does not meet the predicate: DomainError: cannot take 1 from 0/);
  });

  it('errorOf returns the DomainError thrown and lets any other error through; thrownBy fails when nothing is thrown', () => {
    expect(errorOf(() => counter.given([]).when({ type: 'Take', by: 1 }).events()).code).toBe('InvalidStateException');
    expect(() => errorOf(() => JSON.parse('{'))).toThrow(SyntaxError);
    expect(() => thrownBy(() => 1)).toThrow('expected an error to be thrown, but nothing was');
    expect(() => expectError(new Error('plain'), { message: 'plain' })).toThrow(/toBeInstanceOf/);
  });
});
