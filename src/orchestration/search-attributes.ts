/**
 * Typed search-attribute keys of the session workflow (registered on the dev server from
 * temporal.yaml `searchAttributes`). Pure: safe in the workflow bundle.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TradingPhaseKey = defineSearchAttributeKey('TradingPhase', SearchAttributeType.KEYWORD);
export const HardStopReasonKey = defineSearchAttributeKey('HardStopReason', SearchAttributeType.KEYWORD);
export const TradingAccountKey = defineSearchAttributeKey('TradingAccount', SearchAttributeType.KEYWORD);
export const GoNoGoVerdictKey = defineSearchAttributeKey('GoNoGoVerdict', SearchAttributeType.KEYWORD);
