// The shapes of the API answers the console reads: a reader's subset of the zod schemas in
// libs/contracts/src/api (the browser bundle does not import the server's contracts package).

export interface Assessment {
  confidence: number;
  band: string;
  credibilityRating: number;
  computedStatus: string;
  publishedStatus: string;
  statusReason?: string;
  independentCorroborations?: number;
  explanation: string[];
  clusters: Cluster[];
  discounted: Discounted[];
  figures: Figures | null;
  modelVersion: string;
}
export interface Cluster {
  clusterId: string;
  basis: string;
  originGroup?: string;
  reportIds: string[];
  sourceIds: string[];
  support: number;
  dispute: number;
  corroborates: boolean;
  disputesCredibly: boolean;
  countedSupportReportId?: string;
  countedDisputeReportId?: string;
}
export interface DiscountReason {
  code: string;
  [detail: string]: unknown;
}
export interface Discounted {
  reportId: string;
  sourceId: string;
  stance: string;
  weight: number;
  reasons: DiscountReason[];
}
export interface Figures {
  counted?: string;
  unit?: string;
  low: number | null;
  high: number | null;
  conflicting: boolean;
  values: { reportId: string; sourceId: string; stance: string; low?: number; best?: number; high?: number }[];
}
export interface Report {
  reportId: string;
  sourceId: string;
  stance: 'supports' | 'disputes';
  quote: string;
  url: string;
  publishedAt: string;
  relaysSourceId?: string;
  isAssertion: boolean;
  disputeReason?: string;
  retraction?: { reason: string; recordedAt: string };
  recordedAt: string;
}
export interface Evidence {
  evidenceId: string;
  url: string;
  sha256: string;
  mediaType: string;
  reportId?: string;
  recordedAt: string;
}
export interface ClaimSummary {
  id: string;
  version: number;
  statement: string;
  category: string;
  country: string;
  status: string;
  computedStatus: string;
  verdict: string | null;
  confidence: number;
  band: string;
  credibilityRating: number;
  assertedAt: string;
  updatedAt: string;
}
export interface Claim extends ClaimSummary {
  reports: Report[];
  evidence: Evidence[];
  verdictDetails: { verdict: string; rationale: string; recordedAt: string } | null;
  assessment: Assessment;
  location?: { placeName?: string; country: string };
  pointInTime?: { asOf?: string; atVersion?: number; recomputed?: boolean; clock?: string };
}
export interface Source {
  id: string;
  name: string;
  kind: string;
  reliability: string;
  originGroup?: string;
  affiliation?: string;
}
export interface HistoryEntry {
  kind: string;
  position: string;
  claimVersion?: number;
  eventType: string;
  recordedAt: string;
  reportedAt?: string | null;
  actor?: { id: string; name: string; role: string } | null;
  assessment: { status: string; computedStatus: string; confidence: number; band: string; credibilityRating: number };
}
export interface History {
  claimId: string;
  order?: string;
  entries: HistoryEntry[];
}
export interface Person {
  keyId: string;
  name: string | null;
}
export interface Task {
  taskId: string;
  name: string;
  done: boolean;
  doneBy: Person | null;
  doneAt: string | null;
}
export interface WorkView {
  claimId: string;
  workState: string;
  assignee: Person | null;
  tasks: Task[];
  commentCount: number;
  lastActivityAt: string | null;
  version: number;
  allowedTransitions: string[];
}
export interface Comment {
  commentId: string;
  body: string;
  reportId: string | null;
  author: Person;
  postedAt: string;
}
export interface QueueItem {
  claimId: string;
  statement: string;
  category: string;
  status: string;
  computedStatus: string;
  confidence: number;
  band: string;
  workState: string;
  assignee: Person | null;
  lastActivityAt: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
