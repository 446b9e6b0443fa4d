// Shared by the server and the Settings page (no database code here).

/** The changes kept in the audit log, in the user's words. */
export const AUDITED_CHANGES = {
  'api_key_label.save': 'API key label',
  'price.add': 'Price row added',
  'price.correct': 'Price row corrected',
  'price.delete': 'Price row deleted',
  'history.reprice': 'History re-priced',
  'session.revoke': 'Session revoked',
  'budget.create': 'Budget created',
  'budget.replace': 'Budget changed',
  'budget.delete': 'Budget deleted',
  'alerts.default_channels': 'Default alert channels',
  'alerts.watches': 'Watches',
  'billing.time_zone': 'Billing time zone',
} as const;
export type AuditedChange = keyof typeof AUDITED_CHANGES;

export interface AuditEntry {
  id: number;
  at: number;
  role: string;
  sessionId: number | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

