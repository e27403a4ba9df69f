import type { OrganisationType, Partner } from '@permed/domain';

/** A request of `total` whole units split over cost categories, in integer minor units (2 digits). */
export function request(total: number, currency = 'EUR'): Partner['budget'] {
  const minor = total * 100;
  return {
    currency,
    personnel: minor - 3_000_000,
    consumables: 2_000_000,
    equipment: 0,
    travel: 500_000,
    subcontracting: 0,
    overhead: 500_000,
  };
}

export function partner(args: {
  id: string;
  name: string;
  country: string;
  region?: string;
  type?: OrganisationType;
  pi: string;
  funderId: string | null;
  total: number;
  currency?: string;
  coordinator?: boolean;
}): Partner {
  return {
    id: args.id,
    organisation: {
      name: args.name,
      country: args.country,
      ...(args.region ? { region: args.region } : {}),
      type: args.type ?? 'academia',
    },
    pi: { name: args.pi, email: `${args.id}.pi@example.org` },
    funderId: args.funderId,
    coordinator: args.coordinator ?? false,
    budget: request(args.total, args.currency),
  };
}

export interface ConsortiumPlan {
  acronym: string;
  title: string;
  partners: Partner[];
}

/**
 * The consortia of the journey. Every one satisfies the JTC2020 consortium rules (3+ eligible
 * partners from 3+ countries, 2 EU/AC countries, module coverage, national caps), so the automatic
 * check lets them submit; what happens to each later is decided by people (funders, reviewers).
 * ETAg (Estonia, 300 kEUR committed) is asked for 200 kEUR by both ONCO-TWIN and RARE-MAP, so its
 * budget can pay only one of them at the funding stage.
 */
export const consortia = {
  pgx: {
    acronym: 'PGX-HEART',
    title: 'Pharmacogenomic stratification of heart-failure therapy',
    partners: [
      partner({
        id: 'charite',
        name: 'Charité – Universitätsmedizin Berlin',
        country: 'DE',
        region: 'DE-BE',
        type: 'clinical-public-health',
        pi: 'Josiah Carberry',
        funderId: 'bmbf',
        total: 250_000,
        coordinator: true,
      }),
      partner({
        id: 'karolinska',
        name: 'Karolinska Institutet',
        country: 'SE',
        pi: 'Anna Lindqvist',
        funderId: 'vr',
        total: 200_000,
      }),
      partner({
        id: 'laval',
        name: 'Université Laval',
        country: 'CA',
        region: 'CA-QC',
        pi: 'Marie Tremblay',
        funderId: 'frqs',
        total: 300_000,
        currency: 'CAD',
      }),
      partner({
        id: 'clinic-bcn',
        name: 'Hospital Clínic de Barcelona',
        country: 'ES',
        region: 'ES-CT',
        type: 'clinical-public-health',
        pi: 'Jordi Puig',
        funderId: 'isciii',
        total: 180_000,
      }),
    ],
  },
  onco: {
    acronym: 'ONCO-TWIN',
    title: 'Digital twins for treatment choice in metastatic colorectal cancer',
    partners: [
      partner({
        id: 'curie',
        name: 'Institut Curie',
        country: 'FR',
        pi: 'Claire Dubois',
        funderId: 'anr',
        total: 280_000,
        coordinator: true,
      }),
      partner({
        id: 'helsinki',
        name: 'University of Helsinki',
        country: 'FI',
        pi: 'Mikko Virtanen',
        funderId: 'aka',
        total: 220_000,
      }),
      partner({
        id: 'tartu',
        name: 'University of Tartu',
        country: 'EE',
        pi: 'Kadri Tamm',
        funderId: 'etag',
        total: 200_000,
      }),
      partner({
        id: 'rcsi',
        name: 'RCSI University of Medicine and Health Sciences',
        country: 'IE',
        pi: 'Siobhan Kelly',
        funderId: 'hrb',
        total: 150_000,
      }),
    ],
  },
  rare: {
    acronym: 'RARE-MAP',
    title: 'Mapping actionable variants in undiagnosed rare disease',
    partners: [
      partner({
        id: 'lih',
        name: 'Luxembourg Institute of Health',
        country: 'LU',
        pi: 'Paul Weber',
        funderId: 'fnr',
        total: 200_000,
        coordinator: true,
      }),
      partner({
        id: 'rsu',
        name: 'Rīga Stradiņš University',
        country: 'LV',
        pi: 'Ilze Bērziņa',
        funderId: 'viaa',
        total: 150_000,
      }),
      partner({
        id: 'ukc-lj',
        name: 'University Medical Centre Ljubljana',
        country: 'SI',
        type: 'clinical-public-health',
        pi: 'Luka Novak',
        funderId: 'mizs',
        total: 180_000,
      }),
      partner({
        id: 'tartu-clinic',
        name: 'Tartu University Hospital',
        country: 'EE',
        type: 'clinical-public-health',
        pi: 'Mart Saar',
        funderId: 'etag',
        total: 200_000,
      }),
    ],
  },
  immuno: {
    acronym: 'IMMUNO-AI',
    title: 'Machine-learned immune signatures to personalise checkpoint therapy',
    partners: [
      partner({
        id: 'inserm-lyon',
        name: 'Centre Léon Bérard',
        country: 'FR',
        type: 'clinical-public-health',
        pi: 'Julien Moreau',
        funderId: 'anr',
        total: 250_000,
        coordinator: true,
      }),
      partner({
        id: 'tum',
        name: 'Technical University of Munich',
        country: 'DE',
        region: 'DE-BY',
        pi: 'Lena Fischer',
        funderId: 'bmbf',
        total: 280_000,
      }),
      partner({
        id: 'vhio',
        name: "Vall d'Hebron Institute of Oncology",
        country: 'ES',
        region: 'ES-CT',
        pi: 'Laura García',
        funderId: 'isciii',
        total: 190_000,
      }),
    ],
  },
  neuro: {
    acronym: 'NEURO-STRAT',
    title: 'Stratified treatment of early multiple sclerosis',
    partners: [
      partner({
        id: 'oulu',
        name: 'University of Oulu',
        country: 'FI',
        pi: 'Aino Korhonen',
        funderId: 'aka',
        total: 200_000,
        coordinator: true,
      }),
      partner({
        id: 'bordeaux',
        name: 'Université de Bordeaux',
        country: 'FR',
        pi: 'Hugo Lefebvre',
        funderId: 'anr',
        total: 200_000,
      }),
      partner({
        id: 'tcd',
        name: 'Trinity College Dublin',
        country: 'IE',
        pi: 'Ciara Byrne',
        funderId: 'hrb',
        total: 150_000,
      }),
    ],
  },
  /** Its Swedish partner never filed the parallel application VR requires (Prisma): VR will say no. */
  cardio: {
    acronym: 'CARDIO-X',
    title: 'Genotype-guided anticoagulation after atrial fibrillation ablation',
    partners: [
      partner({
        id: 'uk-heidelberg',
        name: 'Universitätsklinikum Heidelberg',
        country: 'DE',
        region: 'DE-BW',
        type: 'clinical-public-health',
        pi: 'Felix Wagner',
        funderId: 'bmbf',
        // One euro over BMBF's cap of 300 kEUR per German partner: the automatic check blocks it.
        total: 300_001,
        coordinator: true,
      }),
      partner({
        id: 'uppsala',
        name: 'Uppsala University',
        country: 'SE',
        pi: 'Erik Johansson',
        funderId: 'vr',
        total: 150_000,
      }),
      partner({
        id: 'la-paz',
        name: 'Hospital Universitario La Paz',
        country: 'ES',
        type: 'clinical-public-health',
        pi: 'Carmen Ruiz',
        funderId: 'isciii',
        total: 160_000,
      }),
    ],
  },
  /** Still a draft at the deadline: its submission arrives at the deadline instant. */
  late: {
    acronym: 'LATE-ONE',
    title: 'Pharmacogenomics of late-onset depression',
    partners: [
      partner({
        id: 'uni-lu',
        name: 'University of Luxembourg',
        country: 'LU',
        pi: 'Sophie Muller',
        funderId: 'fnr',
        total: 150_000,
        coordinator: true,
      }),
      partner({
        id: 'lille',
        name: 'Université de Lille',
        country: 'FR',
        pi: 'Nicolas Petit',
        funderId: 'anr',
        total: 150_000,
      }),
      partner({
        id: 'turku',
        name: 'University of Turku',
        country: 'FI',
        pi: 'Ville Laine',
        funderId: 'aka',
        total: 150_000,
      }),
    ],
  },
} satisfies Record<string, ConsortiumPlan>;

export type ConsortiumKey = keyof typeof consortia;
