import { session } from './session';

/** RFC 9457 problem details as the API sends them (`libs/contracts/src/http/problem-details.schema.ts`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  /** The offending input: `reason`, `report.sourceId`, `query.limit`, `header.if-match`. */
  field?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

/** A refused request: the problem the API answered with. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export interface ApiAnswer<T> {
  body: T;
  status: number;
  etag: string | null;
}

type Listener = () => void;
const unauthorizedListeners: Listener[] = [];
/** Called when the API refuses the key (401): the session is over. */
export const onUnauthorized = (listener: Listener): void => {
  unauthorizedListeners.push(listener);
};

const asProblem = async (response: Response): Promise<Problem> => {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Problem;
    if (typeof parsed.status === 'number' && typeof parsed.code === 'string') return parsed;
  } catch {
    // not JSON: described below
  }
  return { type: 'about:blank', title: response.statusText || 'Request failed', status: response.status, code: 'HTTP_' + response.status };
};

/** Calls the API on this origin with the session's key in the Authorization header. */
export const api = async <T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string } = {}): Promise<ApiAnswer<T>> => {
  const key = init.key ?? session.key();
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    const problem = await asProblem(response);
    if (response.status === 401 && init.key === undefined) unauthorizedListeners.forEach((listener) => listener());
    throw new ApiProblem(problem);
  }
  const body = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { body, status: response.status, etag: response.headers.get('ETag') };
};

/** `?a=1&b=2` from the defined values. */
export const query = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
