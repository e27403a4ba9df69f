import { z } from 'zod';
import { type Source } from './common.ts';

/** The research areas of ERA PerMed calls (JTC2019 onwards), as codes. */
export const researchAreaCode = z.enum(['RA1', 'RA2', 'RA3']).describe('ERA PerMed research area');
export type ResearchAreaCode = z.infer<typeof researchAreaCode>;

/** The modules inside the research areas, e.g. "1A" (pre-clinical research). */
export const moduleCode = z
  .enum(['1A', '1B', '2A', '2B', '3A', '3B', '3C', '3D'])
  .describe('ERA PerMed research module, e.g. "3B" (ELSA)');
export type ModuleCode = z.infer<typeof moduleCode>;

/** Rules name either single modules or whole areas ("any module of RA3"). */
export const moduleSelector = z.union([moduleCode, researchAreaCode]);
export type ModuleSelector = z.infer<typeof moduleSelector>;

export interface ResearchModule {
  readonly code: ModuleCode;
  readonly name: string;
  readonly source: Source;
}

export interface ResearchArea {
  readonly code: ResearchAreaCode;
  readonly name: string;
  readonly modules: readonly ResearchModule[];
  readonly source: Source;
}

// The JTC2020 call page and the ICPerMed launch news are the sources the reference cites for the
// JTC2020 topic and module list (reference/erapermed.md §1.2 and §2.1); 3C and 3D were new in JTC2020.
const jtc2020CallPage: Source = { url: 'http://www.erapermed.eu/joint-calls/joint-transnational-call-2020/' };
const jtc2020Modules: Source = {
  url: 'https://www.icpermed.eu/news/third-era-permed-call-for-proposals-now-open/',
};

export const researchAreas: readonly ResearchArea[] = [
  {
    code: 'RA1',
    name: 'Pre-clinical and clinical research',
    source: jtc2020CallPage,
    modules: [
      { code: '1A', name: 'Pre-clinical research', source: jtc2020Modules },
      { code: '1B', name: 'Clinical research', source: jtc2020Modules },
    ],
  },
  {
    code: 'RA2',
    name: 'Data and ICT',
    source: jtc2020CallPage,
    modules: [
      { code: '2A', name: 'Data and ICT: enabling technologies', source: jtc2020Modules },
      { code: '2B', name: 'Data and ICT towards application in healthcare', source: jtc2020Modules },
    ],
  },
  {
    code: 'RA3',
    name: "Implementation and the user's perspective",
    source: jtc2020CallPage,
    modules: [
      { code: '3A', name: 'Health-system optimisation', source: jtc2020Modules },
      { code: '3B', name: 'Ethical, legal and social aspects (ELSA)', source: jtc2020Modules },
      { code: '3C', name: 'Citizen and patient empowerment', source: jtc2020Modules },
      { code: '3D', name: 'Training strategies', source: jtc2020Modules },
    ],
  },
];

const modulesByArea = new Map<ResearchAreaCode, readonly ModuleCode[]>(
  researchAreas.map((a) => [a.code, a.modules.map((m) => m.code)]),
);

export function modulesOfArea(area: ResearchAreaCode): readonly ModuleCode[] {
  return modulesByArea.get(area) ?? [];
}

export function areaOfModule(module: ModuleCode): ResearchAreaCode {
  return `RA${module[0]}` as ResearchAreaCode;
}

/** Expands area codes into their modules; the result is sorted and without duplicates. */
export function expandModuleSelectors(selectors: readonly ModuleSelector[]): ModuleCode[] {
  const out = new Set<ModuleCode>();
  for (const s of selectors) {
    if (s.startsWith('RA')) for (const m of modulesOfArea(s as ResearchAreaCode)) out.add(m);
    else out.add(s as ModuleCode);
  }
  return [...out].sort();
}
