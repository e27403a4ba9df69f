import type { TFunction } from 'i18next';
import en from '../../i18n/en.json';

// Words for the values the proposals API sends: lifecycle states, member roles and the label of
// the next deadline. A value this page does not know yet shows as it came, never as a blank.

const has = (tree: object, key: string) => Object.hasOwn(tree, key);

export function proposalStateLabel(t: TFunction, state: string): string {
  return has(en.account.proposalState, state)
    ? t(`account.proposalState.${state as keyof typeof en.account.proposalState}`)
    : state;
}

export function proposalRoleLabel(t: TFunction, role: string): string {
  return has(en.account.proposalRole, role)
    ? t(`account.proposalRole.${role as keyof typeof en.account.proposalRole}`)
    : role;
}

const deadlines: Record<string, keyof typeof en.account.deadline> = {
  'pre-proposal submission deadline': 'preProposal',
  'full-proposal submission deadline': 'fullProposal',
  'rebuttal deadline': 'rebuttal',
};

export function deadlineLabel(t: TFunction, label: string): string {
  const key = deadlines[label];
  return key ? t(`account.deadline.${key}`) : label;
}
