import type { TFunction } from 'i18next';
import en from '../../i18n/en.json';

const has = <K extends string>(table: Record<K, unknown>, key: string): key is K => Object.hasOwn(table, key);

// Values the server sends are translated by key (English is the complete key set); one the
// interface does not know yet shows as the server's own label or "unknown", never as a raw key.
export function callStateLabel(t: TFunction, state: string): string {
  return has(en.callState, state) ? t(`callState.${state}`) : t('callState.unknown');
}

export function stageLabel(t: TFunction, kind: string, fallback: string): string {
  return has(en.stage, kind) ? t(`stage.${kind}`) : fallback;
}

export function stageStatusLabel(t: TFunction, status: 'open' | 'upcoming' | 'closed'): string {
  return t(`stageStatus.${status}`);
}

export function ruleStageLabel(t: TFunction, stage: string): string {
  return has(en.call.ruleStage, stage) ? t(`call.ruleStage.${stage}`) : stage;
}
