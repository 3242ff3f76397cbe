import type {
  AgentList,
  CommandRequest,
  CommandResponse,
  PromoteRequest,
  PromoteResponse,
  ClientMe,
  InstanceList,
  LaunchRequest,
  LaunchResponse,
  Problem,
  TerminateResponse,
  Ticket,
} from './types';
import type { HistoryEntry } from '../state/timeline';

/**
 * An HTTP failure. `problem` is the RFC 9457 body when the server sent one, otherwise a problem
 * made up from the status line. `status` 0 means the request never got an answer (network).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  /** True when the same request may be sent again as it is (no answer, or a server-side failure). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  token: string;
  /** Defaults to the page's origin (the API serves the UI). */
  baseUrl?: string;
  fetch?: FetchLike;
}

/** Thin typed wrapper over the client endpoints. The token only ever travels in a header. */
export class ApiClient {
  private readonly token: string;
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;

  constructor(options: ApiClientOptions) {
    this.token = options.token;
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  me(signal?: AbortSignal): Promise<ClientMe> {
    return this.request<ClientMe>('GET', '/api/client/me', undefined, signal);
  }

  instances(signal?: AbortSignal): Promise<InstanceList> {
    return this.request<InstanceList>('GET', '/api/client/instances', undefined, signal);
  }

  agents(signal?: AbortSignal): Promise<AgentList> {
    return this.request<AgentList>('GET', '/api/client/agents', undefined, signal);
  }

  launch(body: LaunchRequest): Promise<LaunchResponse> {
    return this.request<LaunchResponse>('POST', '/api/client/instances/launch', body);
  }

  /** With a request id the server answers a repeat of the same request with the same result. */
  terminate(instanceId: string, requestId?: string): Promise<TerminateResponse> {
    return this.request<TerminateResponse>(
      'POST',
      `/api/client/instances/${encodeURIComponent(instanceId)}/terminate`,
      requestId ? { request_id: requestId } : undefined,
    );
  }

  /** A running replica becomes the primary; the old primary becomes a replica or is terminated. */
  promote(instanceId: string, body: PromoteRequest): Promise<PromoteResponse> {
    return this.request<PromoteResponse>('POST', `/api/client/instances/${encodeURIComponent(instanceId)}/promote`, body);
  }

  /** A command for an agent (a switch or maintenance of one instance). */
  command(body: CommandRequest): Promise<CommandResponse> {
    return this.request<CommandResponse>('POST', '/api/client/commands', body);
  }

  /** The instance's history from the event log, oldest first. */
  history(instanceId: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
    return this.request<HistoryEntry[]>(
      'GET',
      `/api/client/instances/${encodeURIComponent(instanceId)}/events`,
      undefined,
      signal,
    );
  }

  /** A single-use, short-lived ticket that authorises one EventSource connection. */
  ticket(): Promise<Ticket> {
    return this.request<Ticket>('POST', '/api/events/tickets');
  }

  /** An answer to a request already made (index.html makes two before this script runs), read as any other. */
  readResponse<T>(response: Promise<Response>): Promise<T> {
    return this.read<T>(response);
  }

  private request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      Authorization: `Bearer ${this.token}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.read<T>(
      this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        credentials: 'same-origin',
        cache: 'no-store',
      }),
    );
  }

  private async read<T>(pending: Promise<Response>): Promise<T> {
    let response: Response;
    try {
      response = await pending;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({
        title: 'Network error',
        status: 0,
        detail: 'The control plane could not be reached. Check your connection and try again.',
      });
    }
    if (!response.ok) throw new ApiError(await readProblem(response));
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

async function readProblem(response: Response): Promise<Problem> {
  const fallback: Problem = {
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  };
  try {
    const text = await response.text();
    if (!text) return fallback;
    const parsed = JSON.parse(text) as Partial<Problem>;
    return {
      ...parsed,
      title: typeof parsed.title === 'string' && parsed.title ? parsed.title : fallback.title,
      status: typeof parsed.status === 'number' ? parsed.status : response.status,
      detail: typeof parsed.detail === 'string' ? parsed.detail : undefined,
    };
  } catch {
    return fallback;
  }
}

/** One line for a person: "Conflict — instance i-1 is already terminated". */
export function describeProblem(problem: Problem): string {
  return problem.detail ? `${problem.title} — ${problem.detail}` : problem.title;
}
