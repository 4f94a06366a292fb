import { connectionProblem, describeStartupFailure, StartupProblem } from './startup-problem';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('start-up failures', () => {
  it('names a configuration problem in one line, without its stack', () => {
    expect(describeStartupFailure(new StartupProblem('invalid configuration: PORT: expected a number'))).toEqual({ line: 'invalid configuration: PORT: expected a number' });
  });

  it("reads socket errors and PostgreSQL's login refusals as connection problems, other errors not", () => {
    expect(connectionProblem(withCode('connect ECONNREFUSED 127.0.0.1:5999', 'ECONNREFUSED'))).toBe('connection refused (no server listening there)');
    expect(connectionProblem(withCode('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'))).toBe('host not found');
    expect(connectionProblem(withCode('password authentication failed for user "app"', '28P01'))).toBe('password authentication failed for user "app"');
    expect(connectionProblem(withCode('database "claims" does not exist', '3D000'))).toBe('database "claims" does not exist');
    // localhost: Node tries ::1 and 127.0.0.1 and reports both together.
    expect(connectionProblem(new AggregateError([withCode('connect ECONNREFUSED ::1:5999', 'ECONNREFUSED')], ''))).toBe('connection refused (no server listening there)');
    expect(connectionProblem(withCode('relation "events" does not exist', '42P01'))).toBeUndefined();
    expect(connectionProblem('ECONNREFUSED')).toBeUndefined();
  });

  it('keeps the stack of anything else: a bug, not a configuration problem', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'rows')");
    expect(describeStartupFailure(bug)).toEqual({ line: bug.message, stack: bug.stack });
  });
});
