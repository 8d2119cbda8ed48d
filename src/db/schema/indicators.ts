/**
 * Tables of the opsroom (issue 21): a group's indicators, their reported
 * values with the detector's forecast, the alarms the detector raised and what
 * people did with them, and — on a node hosting a federation of co-ops — the
 * alarms escalated to it and the latest state of each member co-op's
 * indicators. Numbers are doubles; everything else is text, booleans 0/1.
 */

/** How often a value is expected (the report of a period is late after two). */
export type IndicatorFrequency = "daily" | "weekly" | "monthly";
/** up: higher is better; down: lower is better. */
export type IndicatorDirection = "up" | "down";
/** normal: no alarm open; alert: an alarm at its own group; crisis: an alarm escalated. */
export type IndicatorStatus = "normal" | "alert" | "crisis";
export type AlarmKind = "step" | "slope" | "transient" | "drift";
/** stock: the co-op's stock of a resource; deliveries: what it delivered in the period; balance: its ledger balance. */
export type ComputedSource = "stock" | "deliveries" | "balance";
export type AlarmState = "open" | "acknowledged" | "resolved" | "false_alarm";

export interface IndicatorsTable {
  id: string;
  group_id: string;
  name: string;
  unit: string;
  frequency: IndicatorFrequency;
  direction: IndicatorDirection;
  /** Beer's capability and potentiality (actuality is the reported value); null where they do not fit. */
  capability: number | null;
  potentiality: number | null;
  /** 1: raw values travel to the federations; 0: only the state. */
  share_values: number;
  /** The detector's snapshot (JSON), written in the same transaction as each value. */
  detector: string;
  status: IndicatorStatus;
  last_period: string | null;
  last_value: number | null;
  last_reported_at: string | null;
  values_count: number;
  /** Computed from the marketplace instead of reported (0047): what, and of which thing. */
  computed_from: ComputedSource | null;
  /** stock: a resource's spec URI; deliveries: a spec URI or null (all); balance: a ledger's URI. */
  computed_ref: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface IndicatorValuesTable {
  id: string;
  indicator_id: string;
  /** The period's day, YYYY-MM-DD, strictly increasing per indicator. */
  period: string;
  value: number;
  /** The detector's one-step forecast and 95% band for this value (null during warm-up). */
  forecast: number | null;
  lower: number | null;
  upper: number | null;
  source: "form" | "api" | "csv" | "computed";
  reported_by: string | null;
  reported_at: string;
}

export interface IndicatorAlarmsTable {
  id: string;
  indicator_id: string;
  group_id: string;
  period: string;
  value: number;
  kind: AlarmKind;
  probability: number;
  forecast: number;
  lower: number;
  upper: number;
  state: AlarmState;
  /** 0: with its own group; 1: escalated to the federations; 2…: on up. */
  level: number;
  /** The federation group URIs it was escalated to (JSON array). */
  escalated_to: string;
  raised_at: string;
  escalated_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  updated_at: string;
}

/** What happened to an alarm (here or received): comments and each change of state, by whom. */
export interface IndicatorAlarmNotesTable {
  id: string;
  alarm_uri: string;
  author_uri: string;
  author_account_id: string | null;
  kind: "comment" | "acknowledged" | "resolved" | "false_alarm" | "escalated";
  body: string;
  created_at: string;
}

/** An alarm of a member co-op escalated to a federation group hosted here. */
export interface IndicatorEscalationsTable {
  id: string;
  group_id: string;
  alarm_uri: string;
  coop_uri: string;
  indicator_uri: string;
  indicator_name: string;
  unit: string;
  period: string;
  kind: AlarmKind;
  probability: number;
  /** Null when the co-op does not share its values. */
  value: number | null;
  forecast: number | null;
  lower: number | null;
  upper: number | null;
  raised_at: string;
  received_at: string;
  level: number;
  /** The co-op's own state of the alarm (it may resolve it after escalating). */
  origin_state: AlarmState;
  state: AlarmState;
  escalated_to: string;
  escalated_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  updated_at: string;
}

/** The latest state of each indicator of each member co-op of a federation hosted here. */
export interface IndicatorMemberStatesTable {
  group_id: string;
  indicator_uri: string;
  coop_uri: string;
  name: string;
  unit: string;
  frequency: IndicatorFrequency;
  status: IndicatorStatus;
  last_period: string | null;
  /** Null unless the co-op shares the indicator's values. */
  last_value: number | null;
  updated_at: string;
}

/** A group's opsroom settings: how long an alarm may wait, and where a federation escalates. */
export interface IndicatorGroupSettingsTable {
  group_id: string;
  /** Hours an alarm may stay unacknowledged before it escalates. */
  ack_hours: number;
  /** Hours an alarm may stay unresolved before it escalates. */
  resolve_hours: number;
  /** For a federation hosted here: the federation above it (one this co-op belongs to). */
  parent_uri: string | null;
  updated_at: string;
}

/** Members who asked for no alarm mail (0047); notifications still come. */
export interface IndicatorMailOptoutsTable {
  account_id: string;
  created_at: string;
}

/** Alarm notifications mailed (0047): claimed before the mail goes, so it goes once. */
export interface IndicatorMailsTable {
  notification_id: string;
  sent_at: string;
}

export type IndicatorsSchema = {
  indicators: IndicatorsTable;
  indicator_values: IndicatorValuesTable;
  indicator_alarms: IndicatorAlarmsTable;
  indicator_alarm_notes: IndicatorAlarmNotesTable;
  indicator_escalations: IndicatorEscalationsTable;
  indicator_member_states: IndicatorMemberStatesTable;
  indicator_group_settings: IndicatorGroupSettingsTable;
  indicator_mail_optouts: IndicatorMailOptoutsTable;
  indicator_mails: IndicatorMailsTable;
};
