// Helpers of the apply journey: what a person reads and clicks in each language (the words on
// screen, written out here rather than read from the app's catalogue, so a page left in English
// fails), a consortium from three countries that the demo call's rules accept, and the steps that
// fill a partner's section.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from '@playwright/test';

export type Language = 'en' | 'de' | 'fr';

export interface Words {
  locale: string;
  name: string;
  email: string;
  newPassword: string;
  signUpLink: string;
  createAccount: string;
  checkMail: string;
  confirmed: RegExp;
  signIn: string;
  password: string;
  myProposals: string;
  submittedBadge: string;
  workspace: string;
  apply: string;
  acronym: string;
  start: string;
  title: string;
  abstract: string;
  keywords: string;
  duration: string;
  saveSections: string;
  saved: string;
  addAPartner: string;
  newPartner: string;
  organisation: string;
  country: string;
  type: string;
  pi: string;
  piEmail: string;
  coordinates: string;
  funder: string;
  showFunders: string;
  personnel: string;
  addPartner: string;
  eligibility: string;
  eligible: RegExp;
  nav: string;
  documents: string;
  choosePdf: string;
  stored: (file: string) => string;
  submitTab: string;
  submitOpen: string;
  confirmTitle: string;
  submitNow: string;
  receipt: string;
  received: string;
  download: string;
}

export const words: Record<Language, Words> = {
  en: {
    locale: 'en-US',
    name: 'Name',
    email: 'E-mail address',
    newPassword: 'New password',
    signUpLink: 'Create an account',
    createAccount: 'Create account',
    checkMail: 'Check your mail',
    confirmed: /is confirmed\. You can sign in now\./,
    signIn: 'Sign in',
    password: 'Password',
    myProposals: 'My proposals',
    submittedBadge: 'Submitted',
    workspace: 'Workspace',
    apply: 'Apply to this call',
    acronym: 'Acronym',
    start: 'Start a proposal',
    title: 'Title',
    abstract: 'Abstract',
    keywords: 'Keywords',
    duration: 'Duration (months)',
    saveSections: 'Save proposal sections',
    saved: 'Saved.',
    addAPartner: 'Add a partner',
    newPartner: 'New partner',
    organisation: 'Organisation',
    country: 'Country',
    type: 'Type',
    pi: 'Principal investigator',
    piEmail: 'E-mail',
    coordinates: 'This partner coordinates the consortium',
    funder: 'Funder',
    showFunders: 'Show the funders',
    personnel: 'Personnel (EUR)',
    addPartner: 'Add partner',
    eligibility: 'Eligibility check',
    eligible: /No blocking problem/,
    nav: 'Proposal pages',
    documents: 'Documents',
    choosePdf: 'Choose a PDF…',
    stored: (file) => `${file} is stored.`,
    submitTab: 'Submit',
    submitOpen: 'Submit…',
    confirmTitle: 'Submit this proposal?',
    submitNow: 'Submit now',
    receipt: 'Receipt',
    received: 'Your proposal was received. Keep this receipt.',
    download: 'Download the receipt (PDF)',
  },
  de: {
    locale: 'de-DE',
    name: 'Name',
    email: 'E-Mail-Adresse',
    newPassword: 'Neues Passwort',
    signUpLink: 'Konto anlegen',
    createAccount: 'Konto anlegen',
    checkMail: 'Sehen Sie in Ihr Postfach',
    confirmed: /ist bestätigt\. Sie können sich jetzt anmelden\./,
    signIn: 'Anmelden',
    password: 'Passwort',
    myProposals: 'Meine Anträge',
    submittedBadge: 'Eingereicht',
    workspace: 'Arbeitsbereich',
    apply: 'Für diese Ausschreibung bewerben',
    acronym: 'Akronym',
    start: 'Antrag beginnen',
    title: 'Titel',
    abstract: 'Zusammenfassung',
    keywords: 'Schlüsselwörter',
    duration: 'Laufzeit (Monate)',
    saveSections: 'Antragsabschnitte speichern',
    saved: 'Gespeichert.',
    addAPartner: 'Partner hinzufügen',
    newPartner: 'Neuer Partner',
    organisation: 'Einrichtung',
    country: 'Land',
    type: 'Art',
    pi: 'Projektleitung (PI)',
    piEmail: 'E-Mail',
    coordinates: 'Dieser Partner koordiniert das Konsortium',
    funder: 'Förderer',
    showFunders: 'Förderer anzeigen',
    personnel: 'Personal (EUR)',
    addPartner: 'Partner hinzufügen',
    eligibility: 'Prüfung der Förderfähigkeit',
    eligible: /Kein blockierendes Problem/,
    nav: 'Seiten des Antrags',
    documents: 'Dokumente',
    choosePdf: 'PDF auswählen…',
    stored: (file) => `${file} ist gespeichert.`,
    submitTab: 'Einreichen',
    submitOpen: 'Einreichen…',
    confirmTitle: 'Diesen Antrag einreichen?',
    submitNow: 'Jetzt einreichen',
    receipt: 'Eingangsbestätigung',
    received: 'Ihr Antrag ist eingegangen. Bewahren Sie diese Bestätigung auf.',
    download: 'Bestätigung herunterladen (PDF)',
  },
  fr: {
    locale: 'fr-FR',
    name: 'Nom',
    email: 'Adresse e-mail',
    newPassword: 'Nouveau mot de passe',
    signUpLink: 'Créer un compte',
    createAccount: 'Créer le compte',
    checkMail: 'Consultez votre messagerie',
    confirmed: /est confirmée\. Vous pouvez vous connecter\./,
    signIn: 'Se connecter',
    password: 'Mot de passe',
    myProposals: 'Mes propositions',
    submittedBadge: 'Soumise',
    workspace: 'Espace de travail',
    apply: 'Répondre à cet appel',
    acronym: 'Acronyme',
    start: 'Commencer une proposition',
    title: 'Titre',
    abstract: 'Résumé',
    keywords: 'Mots-clés',
    duration: 'Durée (mois)',
    saveSections: 'Enregistrer les sections de la proposition',
    saved: 'Enregistré.',
    addAPartner: 'Ajouter un partenaire',
    newPartner: 'Nouveau partenaire',
    organisation: 'Organisme',
    country: 'Pays',
    type: 'Type',
    pi: 'Responsable scientifique (PI)',
    piEmail: 'Adresse e-mail',
    coordinates: 'Ce partenaire coordonne le consortium',
    funder: 'Financeur',
    showFunders: 'Afficher les financeurs',
    personnel: 'Personnel (EUR)',
    addPartner: 'Ajouter le partenaire',
    eligibility: "Vérification de l'éligibilité",
    eligible: /Aucun problème bloquant/,
    nav: 'Pages de la proposition',
    documents: 'Documents',
    choosePdf: 'Choisir un PDF…',
    stored: (file) => `${file} est enregistré.`,
    submitTab: 'Soumettre',
    submitOpen: 'Soumettre…',
    confirmTitle: 'Soumettre cette proposition ?',
    submitNow: 'Soumettre maintenant',
    receipt: 'Accusé de réception',
    received: 'Votre proposition a été reçue. Conservez cet accusé de réception.',
    download: "Télécharger l'accusé (PDF)",
  },
};

/**
 * Three partners from three countries, each asking its own country's funder of the demo call: the
 * JTC2020 rules want at least three eligible partners from three countries, the coordinator among
 * them (packages/rules/samples/proposal-eligible.json has a four-partner example).
 */
export const consortium = [
  { name: 'Charité', country: 'DE', typed: 'BMBF', funder: /^BMBF/, personnel: '200000', coordinator: true },
  { name: 'Inserm', country: 'FR', typed: 'ANR', funder: /^ANR/, personnel: '150000', coordinator: false },
  {
    name: 'Hospital Clínic',
    country: 'ES',
    typed: 'ISCIII',
    funder: /^ISCIII/,
    personnel: '180000',
    coordinator: false,
  },
] as const;

/**
 * Adds one partner through the workspace's "new partner" form, as a person fills it. The PI's
 * address differs by language: ISCIII allows a PI in one proposal only, and the three journeys
 * share a platform.
 */
export async function addPartner(page: Page, w: Words, p: (typeof consortium)[number]): Promise<void> {
  await page.getByRole('button', { name: w.addAPartner, exact: true }).click();
  const form = page.getByRole('form', { name: w.newPartner });
  const org = form.getByRole('group', { name: w.organisation });
  await org.getByLabel(w.name, { exact: true }).fill(p.name);
  await org.getByLabel(w.country, { exact: true }).selectOption(p.country);
  await org.getByLabel(w.type, { exact: true }).selectOption('academia');
  const pi = form.getByRole('group', { name: w.pi });
  await pi.getByLabel(w.name, { exact: true }).fill(`PI of ${p.name}`);
  await pi
    .getByLabel(w.piEmail, { exact: true })
    .fill(`pi.${p.country.toLowerCase()}.${w.locale}@example.org`);
  if (p.coordinator) await pi.getByLabel(w.coordinates).check();
  // The funder's combo box: open its list, type to filter, pick.
  const box = form.getByRole('combobox', { name: w.funder });
  await form.getByRole('button', { name: w.showFunders }).click();
  await box.fill(p.typed);
  // The live check re-renders the form while one types and can close the list under the
  // pointer; a person opens it again with the arrow key, and so does the test.
  const option = page.getByRole('option', { name: p.funder });
  for (let tries = 1; ; tries++) {
    if (!(await option.isVisible())) await box.press('ArrowDown');
    try {
      await option.click({ timeout: 2000 });
      break;
    } catch (error) {
      if (tries === 5) throw error;
    }
  }
  await expect.poll(() => box.inputValue()).toMatch(p.funder);
  await form.getByLabel(w.personnel).fill(p.personnel);
  await form.getByRole('button', { name: w.addPartner, exact: true }).click();
  await page.getByRole('heading', { level: 3, name: new RegExp(p.name) }).waitFor();
}

/** Screenshots of each step, to look at (the system's temporary directory). */
export const journeyShots = path.join(tmpdir(), 'permed-apply-journey');

export async function step(page: Page, language: Language, name: string, fullPage = true): Promise<void> {
  await mkdir(journeyShots, { recursive: true });
  await page.screenshot({ path: path.join(journeyShots, `${language}-${name}.png`), fullPage });
}
