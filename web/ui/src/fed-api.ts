// The federation API (federation/README.md "Hub administration" and "Sending
// side"; the hub's returns, approvals and reports per the helpers' contract).
// Every call goes through api.ts (credentials, CSRF, ApiError).
import { API_BASE, ApiError, apiRequest as request } from './api';

const list = <T>(x: T[] | undefined | null): T[] => (Array.isArray(x) ? x : []);

// ---------------------------------------------------------------- sending side

export interface FedNodeInfo {
  code: string;
  role: string;
  publicKey: string;
  keyEpoch: number;
}

export interface FedParent {
  code: string;
  url: string;
  publicKey: string;
  keyEpoch: number;
  pinnedAt?: string | null;
}

export interface FedOutbox {
  pending: number;
  oldestPendingAt: string | null;
  acknowledged: number;
  rejected: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface FedRejected {
  channel: string;
  sequence: number;
  reason: string;
}

export interface FedStatus {
  node: FedNodeInfo;
  parent: FedParent | null;
  outbox: FedOutbox | null;
  rejected: FedRejected[];
}

export async function getFedStatus(): Promise<FedStatus> {
  const s = await request<FedStatus>('GET', '/federation/status');
  return { ...s, parent: s.parent ?? null, outbox: s.outbox ?? null, rejected: list(s.rejected) };
}

export async function enrol(parentUrl: string, code: string): Promise<FedParent> {
  const body: Record<string, string> = { code };
  if (parentUrl) body.parentUrl = parentUrl;
  return (await request<{ parent: FedParent }>('POST', '/federation/enrol', body)).parent;
}

export interface Queued {
  channel: string;
  sequence: number;
  table: string;
  period: string;
  revision: number;
}

export async function releaseNow(period?: string): Promise<Queued[]> {
  return list((await request<{ queued: Queued[] }>('POST', '/federation/release-now', period ? { period } : {})).queued);
}

/** A school's new key (the parent records it first); 409 while envelopes are pending. */
export async function rotateKey(): Promise<{ keyEpoch: number; publicKey: string }> {
  return request<{ keyEpoch: number; publicKey: string }>('POST', '/federation/rotate-key');
}

// ---------------------------------------------------------------- catalogue and policy

export interface FedPolicy {
  version: number;
  k: number;
  roundingBase: number;
  municipalTables: string[];
  regionalTables: string[];
  schedule: string;
}

export interface FedDocument {
  kind: 'catalogue' | 'policy';
  version: number;
  issuedAt: string;
  expiresAt: string;
  acceptedAt: string;
  signer: string;
  policy?: FedPolicy;
  tables?: string[];
}

export interface FedRefusal {
  kind: string;
  version: number | null;
  reason: string;
  detail: string;
  at: string;
}

export interface FedDocuments {
  catalogue: FedDocument | null;
  policy: FedDocument | null;
  refused: FedRefusal[];
}

export async function getDocuments(): Promise<FedDocuments> {
  const d = await request<FedDocuments>('GET', '/federation/documents');
  return { catalogue: d.catalogue ?? null, policy: d.policy ?? null, refused: list(d.refused) };
}

/** The regional node signs and publishes; its children fetch it from there. */
export async function publishPolicy(version: number, policy: { k: number; roundingBase: number; schedule: string }, validFor: string): Promise<void> {
  await request('POST', '/federation/documents', { kind: 'policy', version, validFor, policy });
}

export async function publishCatalogue(version: number, validFor: string): Promise<void> {
  await request('POST', '/federation/documents', { kind: 'catalogue', version, validFor });
}

// ---------------------------------------------------------------- hub administration

export interface Child {
  code: string;
  name: string;
  identifiers: Record<string, string>;
  status: string;
  keyEpoch: number;
  publicKey: string;
  enrolledAt: string | null;
  lastContact: string | null;
  version: string | null;
  backlog: { held: number; oldestHeldAt: string | null } | null;
  lastSequence: Record<string, number> | null;
}

export async function getChildren(): Promise<Child[]> {
  return list((await request<{ children: Child[] }>('GET', '/federation/children')).children);
}

export async function revokeChild(code: string): Promise<Child> {
  return request<Child>('POST', '/federation/children/' + encodeURIComponent(code) + '/revoke', {});
}

export interface IssuedCode {
  code: string;
  nodeCode: string;
  expiresAt: string;
}

export async function issueCode(nodeCode: string, name: string, identifiers: Record<string, string>, validFor?: string): Promise<IssuedCode> {
  const body: Record<string, unknown> = { nodeCode, name, identifiers };
  if (validFor) body.validFor = validFor;
  return request<IssuedCode>('POST', '/federation/enrolment-codes', body);
}

export interface Alarm {
  id: number;
  kind: string;
  origin: string;
  detail: string;
  at: string;
  acknowledgedBy: string | null;
}

export async function getAlarms(): Promise<Alarm[]> {
  return list((await request<{ alarms: Alarm[] }>('GET', '/federation/alarms')).alarms);
}

export interface AuditEntry {
  id?: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail?: string | null;
}

/** The hub's own audit (issue code, revoke, approvals); null while the node has none (404). */
export async function getHubAudit(limit = 50): Promise<AuditEntry[] | null> {
  try {
    const r = await request<{ entries?: AuditEntry[]; audit?: AuditEntry[] }>('GET', '/federation/audit?limit=' + limit);
    return list(r.entries ?? r.audit);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// ---------------------------------------------------------------- catalogue, returns, reports

export interface Text2 {
  ru: string;
  en: string;
}

export interface CatalogueTable {
  id: string;
  title: Text2;
  dimensions: { id: string; title: Text2 }[];
  measure: { kind: 'none' | 'rate' | 'mean'; title?: Text2 | null };
  periodKind: 'day' | 'month' | 'study_period' | 'year';
  periods: string[];
}

export async function getCatalogue(): Promise<CatalogueTable[]> {
  const c = await request<{ tables: CatalogueTable[] }>('GET', '/federation/catalogue');
  return list(c.tables).map((t) => ({ ...t, dimensions: list(t.dimensions), periods: list(t.periods) }));
}

export type ReturnStatus = 'received' | 'late' | 'missing' | 'pending';

export interface Approval {
  state: 'approved' | 'open' | 'reopened';
  by: string | null;
  at: string | null;
  revision: number | null;
}

export interface ReturnCell {
  table: string;
  status: ReturnStatus;
  revision: number | null;
  receivedAt: string | null;
  dueAt: string | null;
  approval: Approval | null;
}

export interface ReturnChild {
  code: string;
  name: string;
  status: string;
  tables: ReturnCell[];
}

export async function getReturns(period: string): Promise<ReturnChild[]> {
  const r = await request<{ children: ReturnChild[] }>('GET', '/federation/returns?period=' + encodeURIComponent(period));
  return list(r.children).map((c) => ({ ...c, tables: list(c.tables) }));
}

export async function approveReturn(origin: string, table: string, period: string, revision: number): Promise<ReturnCell> {
  return request<ReturnCell>('POST', '/federation/approvals', { origin, table, period, revision });
}

export interface ReportCell {
  key: string[];
  count: number | null;
  low: number | null;
  high: number | null;
  measure: number | null;
  exact?: boolean;
}

export interface ReportUnit {
  code: string;
  name: string;
  revision: number | null;
  cells: ReportCell[];
}

export interface Report {
  table: CatalogueTable;
  period: string;
  units: ReportUnit[];
  totals: ReportCell[];
  complete: boolean;
}

export async function getReport(table: string, period: string): Promise<Report> {
  const r = await request<Report>(
    'GET',
    '/federation/reports?table=' + encodeURIComponent(table) + '&period=' + encodeURIComponent(period),
  );
  return {
    ...r,
    table: { ...r.table, dimensions: list(r.table?.dimensions), periods: list(r.table?.periods) },
    units: list(r.units).map((u) => ({ ...u, cells: list(u.cells) })),
    totals: list(r.totals),
    complete: r.complete !== false,
  };
}

/** The server's export of a report: CSV (UTF-8 with BOM, ';') or XLSX, as an attachment. */
export function reportExportUrl(table: string, period: string, format: 'csv' | 'xlsx'): string {
  return (
    API_BASE + '/federation/reports?table=' + encodeURIComponent(table) + '&period=' + encodeURIComponent(period) + '&format=' + format
  );
}
