/**
 * The evaluation panel of the journey. Dana Berg works at Karolinska Institutet, a partner of
 * PGX-HEART: the platform detects the conflict and must never assign her that proposal.
 */
export const experts = [
  {
    key: 'ada',
    name: 'Ada Okafor',
    email: 'ada.okafor@reviewers.example.org',
    organisation: { name: 'University of Oxford' },
    country: 'GB',
    expertise: ['pharmacogenomics', 'cardiology'],
  },
  {
    key: 'bruno',
    name: 'Bruno Keller',
    email: 'bruno.keller@reviewers.example.org',
    organisation: { name: 'ETH Zurich' },
    country: 'CH',
    expertise: ['machine learning', 'oncology'],
  },
  {
    key: 'chiara',
    name: 'Chiara Romano',
    email: 'chiara.romano@reviewers.example.org',
    organisation: { name: 'University of Bologna' },
    country: 'IT',
    expertise: ['rare diseases', 'genomics'],
  },
  {
    key: 'dana',
    name: 'Dana Berg',
    email: 'dana.berg@reviewers.example.org',
    organisation: { name: 'Karolinska Institutet' },
    country: 'SE',
    expertise: ['neurology', 'health economics'],
  },
  {
    key: 'emil',
    name: 'Emil Horák',
    email: 'emil.horak@reviewers.example.org',
    organisation: { name: 'Charles University' },
    country: 'CZ',
    expertise: ['immunology', 'clinical trials'],
  },
] as const;

export type ExpertKey = (typeof experts)[number]['key'];

/**
 * What the reviewers think of each proposal, per criterion (every reviewer of a proposal agrees, so
 * the consolidated score is exactly this). Pre-proposals: excellence and impact, thresholds 3 per
 * criterion and 7 in total. Full proposals: three criteria, thresholds 3 and 10, categories A ≥ 12,
 * B ≥ 10 (the evaluation service's cut-offs for these settings).
 */
export const preScores: Record<string, { excellence: number; impact: number }> = {
  'PGX-HEART': { excellence: 4.5, impact: 4.5 },
  'ONCO-TWIN': { excellence: 4.5, impact: 4 },
  'IMMUNO-AI': { excellence: 4, impact: 4 },
  'RARE-MAP': { excellence: 4, impact: 3.5 },
  'NEURO-STRAT': { excellence: 3.5, impact: 3 },
};

export const fullScores: Record<string, { excellence: number; impact: number; implementation: number }> = {
  'PGX-HEART': { excellence: 4.5, impact: 4.5, implementation: 4.5 },
  'ONCO-TWIN': { excellence: 4.5, impact: 4, implementation: 4 },
  'RARE-MAP': { excellence: 4, impact: 4, implementation: 4 },
  'IMMUNO-AI': { excellence: 3.5, impact: 3, implementation: 3 },
};

export function scoresOf(acronym: string, stage: 'pre-proposal' | 'full-proposal') {
  const table = stage === 'pre-proposal' ? preScores : fullScores;
  const scores = table[acronym];
  if (!scores) throw new Error(`no ${stage} scores for ${acronym}`);
  return Object.entries(scores).map(([criterionId, score]) => ({
    criterionId,
    score,
    comment: `${criterionId}: ${score >= 4 ? 'convincing' : 'adequate, with weaknesses'} (${acronym}).`,
  }));
}
