import type { Partner } from '@permed/domain';

/** The four-partner consortium of the rules package's eligible sample (DE, SE, CA-QC, ES). */
export function samplePartners(): Partner[] {
  const budget = (currency: string, personnel: number) => ({
    currency,
    personnel,
    consumables: 1_000_000,
    equipment: 0,
    travel: 500_000,
    subcontracting: 0,
    overhead: 1_000_000,
  });
  return [
    {
      id: 'charite',
      organisation: {
        name: 'Charité – Universitätsmedizin Berlin',
        country: 'DE',
        region: 'DE-BE',
        type: 'clinical-public-health',
      },
      pi: { name: 'Josiah Carberry', email: 'josiah.carberry@example.org', orcid: '0000-0002-1825-0097' },
      funderId: 'bmbf',
      coordinator: true,
      budget: budget('EUR', 21_000_000),
    },
    {
      id: 'karolinska',
      organisation: { name: 'Karolinska Institutet', country: 'SE', type: 'academia' },
      pi: { name: 'Anna Lindqvist', email: 'anna.lindqvist@example.org' },
      funderId: 'vr',
      coordinator: false,
      budget: budget('EUR', 18_000_000),
    },
    {
      id: 'laval',
      organisation: { name: 'Université Laval', country: 'CA', region: 'CA-QC', type: 'academia' },
      pi: { name: 'Marie Tremblay', email: 'marie.tremblay@example.org' },
      funderId: 'frqs',
      coordinator: false,
      budget: budget('CAD', 30_000_000),
    },
    {
      id: 'clinic-bcn',
      organisation: {
        name: 'Hospital Clínic de Barcelona',
        country: 'ES',
        region: 'ES-CT',
        type: 'clinical-public-health',
      },
      pi: { name: 'Jordi Puig', email: 'jordi.puig@example.org' },
      funderId: 'isciii',
      coordinator: false,
      budget: budget('EUR', 15_000_000),
    },
  ];
}
