/**
 * Source addresses used by the rule data, each copied verbatim from docs/reference (the snapshot of shared/reference)
 * (a test checks that every one of them appears there).
 */
export const sources = {
  /** ERA PerMed JTC2020 call news: consortium rules, modules, CDTI (reference §2.1, §3.1). */
  prointJtc2020: 'http://prointprojecten.com/news/2020/02/04/era-permed-joint-transnational-call-2020',
  /** ANR pre-announcement of JTC2020 (max 6 partners at pre-proposal). */
  anrJtc2020:
    'https://anr.fr/en/latest-news/read/news/preliminary-announcement-a-transnational-call-for-proposals-on-personalised-medicine-to-be-open-soo-1/',
  /** JTC2019 consortium rules (max per country, own-funded partners). */
  sisEgizJtc2019:
    'https://www.sis-egiz.eu/novice/2018120313311940/eranet_cofund_on_personalised_medicine_to_launch_second_transnational_call_in_january_2019/',
  /** JTC2021 call page on ERA-LEARN (coordinator eligible). */
  eraLearnJtc2021:
    'https://www.era-learn.eu/network-information/networks/era-permed/joint-transnational-call-for-proposals-2021-for-201cmultidisciplinary-research-projects-on-personalised-medicine-2013-development-of-clinical-support-tools-for-personalised-medicine-implementation201d',
  /** JTC2022 call page (independent legal entities). */
  imimJtc2022: 'https://intranet.imim.cat/convocatories/8532?from=0',
  /** Funding is national: each partner is funded by its own funder. */
  kowiNational:
    'https://www.kowi.de/en/desktopdefault.aspx/tabid-569/1672_read-3329/1515_read-1118/print/print-1',
  /** JTC2018 national annex, BMBF and SMWK chapters. */
  annexJtc2018Germany:
    'https://9lib.org/article/additional-eligibility-funded-european-commission-grant.zx5o806n',
  /** JTC2018 guidelines (national annex, Annex 4 for Slovenia). */
  guidelinesJtc2018: 'https://9lib.org/document/zx5o806n-co-funded-by-the-european-commission-grant.html',
  /** VR call pages: JTC2019, JTC2020 and EP PerMed JTC2024. */
  vrJtc2019:
    'https://www.vr.se/english/applying-for-funding/calls/2018-11-07-research-project-grant-for-international-collaboration-within-personalised-medicine-era-permed.html',
  vrJtc2020:
    'https://www.vr.se/english/applying-for-funding/calls/2019-12-13-research-project-grant-for-international-collaboration-within-personalised-medicine-era-permed.html',
  vrEp2024:
    'https://www.vr.se/soka-finansiering/utlysningar/2024-02-06-projektbidrag-for-internationella-samarbeten-inom-individanpassad-medicin-ep-permed.html',
  /** FRQS programme pages for JTC2018 and JTC2020. */
  frqsJtc2018:
    'http://www.frqs.gouv.qc.ca/en/bourses-et-subventions/consulter-les-programmes-remplir-une-demande/bourse/call-for-proposals-for-transnational-research-projects-on-personalized-medicine-era-permed-s6tawhsb1513006526501',
  frqsJtc2020:
    'https://communautefrq.ca/en/program/appel-a-projets-transnationaux-en-medecine-personnalisee-dans-le-cadre-de-lerapermed-jtc-2020-2020-2021-2/',
  frqsJtc2022:
    'https://frq.gouv.qc.ca/programme/appel-a-projets-transnationaux-en-medecine-personnalisee-dans-le-cadre-de-lerapermed-jtc-2022/',
  /** NCBR JTC2021 competition page (no RA3 funding). */
  ncbrJtc2021:
    'https://bip.ncbr.gov.pl/aktualne-konkursy/szczegoly-konkursu/competition/iv-konkurs-jtc-2021/',
  /** JTC2019 call news: IT-MoH, FRRB, TuscReg pre-checks; ISCIII and AECC extra forms. */
  echallianceJtc2019:
    'https://echalliance.com/news/joint-transnational-call-for-proposals-2019-for-personalised-medicine-multidisciplinary-research/',
  /** Italian national rules of another partnership (OHAMR JTC2026), the FRRB model. */
  ohamrItaly:
    'https://ohamr.eu/calls/call-2026-new-treatments-to-tackle-amr/jtc-2026-national-rules-and-requirements/italy',
  /** IT-MoH Workflow della Ricerca (general IT-MoH practice). */
  lombardiaWfr: 'https://lombardialifesciences.it/bando-della-ricerca-sul-covid-19',
  /** ISCIII-style rules of another ERA-NET call (one proposal per Spanish PI, CVA-ISCIII). */
  vetinnovaIsciii:
    'https://www.vetinnova.es/v_portal/informacion/informacionver.asp?cod=18547&idage=21270&te=381',
  /** Navarra's EP PerMed commitment and cap. */
  navarraEp:
    'https://investinnavarra.com/salud/navarra-financiara-con-15-millones-de-euros-proyectos-de-medicina-personalizada-impulsados-por-consorcios-europeos/',
  /** Generic FNRS joint-call rules (M-ERA.NET 2020). */
  fnrsMEraNet:
    'https://m-era.net/joint-calls/joint-call-2020/participating-countries-regions-call-2020/belgium-programmes/belgium-french-speaking-community-fnrs',
  /** TÜBİTAK in other ERA-NETs: TRANSCAN-3 (1071) and NEURON 2019 (1001 cap). */
  tubitakTranscan3:
    'https://ufukavrupa.org.tr/tr/haberler/transcan-3-era-net-cofund-2021-yili-cagrisi-ilan-edilmistir',
  tubitakNeuron2019:
    'https://bursatto.com/era-net-neuron-cofund-projesi-2019-ortak-uluslararasi-cagrisi-jtc-2019-acildi-2/',
  /** FWF's EP PerMed page. */
  fwfEp: 'https://www.fwf.ac.at/en/funding/portfolio/subject-specific-funding/european-partnership-permed',
  /** LMT JTC2022 call page. */
  lmtJtc2022: 'https://www.lmt.lt/lt/mokslo-finansavimas/kalendorinis-kvietimu-planas/2287/kvietimas-617',
  /** Vinnova EP PerMed 2024 call page. */
  vinnovaEp2024:
    'https://vinnova.se/en/calls-for-proposals/european-partnership-for-personalised-medicine/international-call-for-collaboration-ep-2023-03847',
  /** VLAIO EP PerMed 2024 news (own proposal due 5 March 2024). */
  vlaioEp2024:
    'https://www.vlaio.be/nl/nieuws/1ste-oproep-european-partnership-personalised-medicine-ep-permed-deadline-vlaio-voorstel-5-maart-2024',
  /** Research Ireland personalised-medicine page (JTC2026). */
  researchIrelandJtc2026: 'https://www.researchireland.ie/funding/personalised-medicine',
  /** FAPESP JTC2021 results page. */
  fapespJtc2021:
    'https://fapesp.br/14744/call-with-european-union-selects-research-projects-in-personalized-medicine',
} as const;
