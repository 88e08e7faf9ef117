/**
 * What a chaos schedule collects, as plain data: the simulator's ledger, the workflows' histories
 * reduced to the facts the invariants need, and the processes' own records (status files, logs,
 * outputs). The invariants (invariants.ts) are pure functions of this.
 */
import type { LedgerEntry } from '../sim/ledger';

export interface AccountRecord {
  /** lower-case 0x address */
  address: string;
  sessionId: string;
  /** the stop worker signs with this agent wallet (lower case): its actions are the stop's */
  stopSigner: string;
  limits: { maxNotionalPerMarketUsd: string; maxNotionalTotalUsd: string; maxCumulativeLossUsd: string };
}

export interface PhaseChange {
  /** Temporal server time of the upsert, ms */
  at: number;
  phase: string;
}

export interface StopRun {
  workflowId: string;
  sessionId: string;
  startedAt: number;
  endedAt?: number;
  outcome?: string;
  flatConfirmedAt?: number;
  remaining?: { coin: string; szi: string }[];
  /** identities of the workers that started its activities */
  activityIdentities: string[];
}

export interface LatchRecord {
  at: number;
  reason: string;
  source: string;
  pid: number;
}

export interface SessionRecord {
  sessionId: string;
  account: string;
  phases: PhaseChange[];
  /** hardStop signals as the workflow history received them */
  hardStops: { at: number; reason: string; source: string }[];
  /** accepted operator resumes (workflow time) */
  resumes: { at: number }[];
  stops: StopRun[];
  /** the hot-path processes' latch records, from their status files */
  latches: LatchRecord[];
  /** the phase at the end of the schedule */
  finalPhase: string | null;
}

export interface FillSeen {
  pid: number;
  coin: string;
  tid: number;
  /** how many times that fill appears in one status snapshot's event list (1 = counted once) */
  multiplicity: number;
}

export interface QuiescenceRecord {
  account: string;
  /** the hot path's positions from its status file written after the last venue fill; null = none */
  hotPathPositions: { coin: string; szi: string }[] | null;
  statusAt: number | null;
  pid: number | null;
}

export interface ChaosRecords {
  accounts: AccountRecord[];
  ledger: LedgerEntry[];
  sessions: SessionRecord[];
  /** worker identity → the account its stop worker is configured for */
  stopWorkerAccounts: Record<string, string>;
  quiescence: QuiescenceRecord[];
  fillsSeen: FillSeen[];
  /** every log, output, status file and history payload, by where it came from */
  texts: { source: string; text: string }[];
  /** the private keys (never printed: a violation names the label only) */
  secrets: { label: string; value: string }[];
  /** how long after the workflow turns stopping the hot path is allowed to learn it (its phase poll), ms */
  phaseGraceMs: number;
  /** venue time the collection ended */
  endedAt: number;
}

export interface Violation {
  invariant: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  account?: string;
  message: string;
  /** the ledger lines (JSON) and records that show it */
  evidence: string[];
}
