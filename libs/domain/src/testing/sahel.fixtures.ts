import type { ClaimEvent, ReportDetails } from '@claims/contracts';
import { sourceCatalogueOf, type SourceSnapshot } from '../source/source-catalogue';

/**
 * Sources from the seed reporting on the JNIM–ISGS conflict. Grades are this test suite's editorial
 * judgement, not a finding about the outlets.
 */
export const SAHEL_SOURCES = {
  isSahelChannel: {
    sourceId: 'src-is-sahel-channel',
    name: 'IS Sahel Province Telegram channel',
    kind: 'armed_group_media',
    affiliation: 'Islamic State',
    originGroup: 'Islamic State media network',
    reliability: 'D',
  },
  alNaba: {
    sourceId: 'src-al-naba',
    name: 'al-Naba',
    kind: 'armed_group_media',
    affiliation: 'Islamic State',
    originGroup: 'Islamic State media network',
    reliability: 'C',
  },
  africaReportX: {
    sourceId: 'src-x-africarepor-t',
    name: '@Africarepor_t',
    kind: 'social_media_account',
    reliability: 'C',
  },
  vanOstaeyenX: {
    sourceId: 'src-x-p-vanostaeyen',
    name: '@p_vanostaeyen',
    kind: 'social_media_account',
    reliability: 'B',
  },
  terrorismMonitor: {
    sourceId: 'src-terrorism-monitor',
    name: 'Jamestown Terrorism Monitor',
    kind: 'research_organisation',
    reliability: 'B',
  },
  menastream: {
    sourceId: 'src-x-menastream',
    name: '@MENASTREAM',
    kind: 'social_media_account',
    reliability: 'C',
  },
  criticalThreats: {
    sourceId: 'src-critical-threats',
    name: 'Critical Threats (ACLED data)',
    kind: 'research_organisation',
    reliability: 'B',
  },
  wikipedia: {
    sourceId: 'src-wikipedia',
    name: 'Wikipedia, "JNIM-ISGS war"',
    kind: 'other',
    reliability: 'F',
  },
  greyDynamics: {
    sourceId: 'src-grey-dynamics',
    name: 'Grey Dynamics',
    kind: 'research_organisation',
    reliability: 'C',
  },
  unofficialJihadistAccounts: {
    sourceId: 'src-unofficial-jihadist-accounts',
    name: 'Unofficial jihadist accounts',
    kind: 'social_media_account',
    originGroup: 'Pro-al-Qaeda unofficial channels',
    reliability: 'E',
  },
  azZallaqa: {
    sourceId: 'src-az-zallaqa',
    name: 'az-Zallaqa',
    kind: 'armed_group_media',
    affiliation: 'JNIM',
    reliability: 'F',
  },
  frenchArmedForces: {
    sourceId: 'src-french-armed-forces',
    name: 'French Ministry of the Armed Forces',
    kind: 'government_or_military',
    affiliation: 'France',
    reliability: 'B',
  },
  france24: { sourceId: 'src-france24', name: 'France 24', kind: 'news_outlet', reliability: 'B' },
  aqimAlAndalus: {
    sourceId: 'src-aqim-al-andalus',
    name: 'al-Andalus (AQIM media)',
    kind: 'armed_group_media',
    affiliation: 'AQIM',
    reliability: 'C',
  },
  kidalContact: { sourceId: 'src-contact-kidal', name: 'Local contact, Kidal', kind: 'local_contact', reliability: 'C' },
} as const satisfies Record<string, SourceSnapshot>;

export type SahelSourceKey = keyof typeof SAHEL_SOURCES;

export const sahelCatalogue = (overrides: Partial<Record<SahelSourceKey, Partial<SourceSnapshot>>> = {}) =>
  sourceCatalogueOf(
    (Object.keys(SAHEL_SOURCES) as SahelSourceKey[]).map((key) => ({ ...SAHEL_SOURCES[key], ...overrides[key] })),
  );

export const editor = { now: '2024-01-15T10:00:00Z', actor: 'editor-amina' };
const recorded = { recordedAt: editor.now, recordedBy: editor.actor };

export const report = (
  reportId: string,
  source: SahelSourceKey,
  details: Partial<Omit<ReportDetails, 'reportId' | 'sourceId'>> & { relays?: SahelSourceKey } = {},
): ReportDetails => {
  const { relays, ...rest } = details;
  return {
    reportId,
    sourceId: SAHEL_SOURCES[source].sourceId,
    publishedAt: '2023-11-03T08:00:00Z',
    ...(relays ? { relaysSourceId: SAHEL_SOURCES[relays].sourceId } : {}),
    ...rest,
  };
};

export const corroborated = (claimId: string, details: ReportDetails): ClaimEvent => ({
  type: 'ClaimCorroborated',
  data: { claimId, report: details, ...recorded },
});

export const disputed = (claimId: string, details: ReportDetails, reason: string): ClaimEvent => ({
  type: 'ClaimDisputed',
  data: { claimId, report: details, reason, ...recorded },
});

export const retracted = (claimId: string, reportId: string, sourceId: string, reason: string): ClaimEvent => ({
  type: 'ClaimReportRetracted',
  data: { claimId, reportId, sourceId, reason, ...recorded },
});

/** IS claims it executed JNIM "spies" near Kalamba on 20 October 2023 (seed: Terrorism Monitor 21/22). */
export const kalambaExecutionsAsserted: ClaimEvent = {
  type: 'ClaimAsserted',
  data: {
    claimId: 'claim-kalamba-executions',
    statement: 'ISGS executed JNIM members it called spies near Kalamba',
    category: 'execution',
    actors: [
      { name: 'ISGS', role: 'perpetrator', affiliation: 'Islamic State' },
      { name: 'JNIM', role: 'target', affiliation: 'al-Qaeda' },
    ],
    location: { placeName: 'Kalamba', adminRegion: 'Centre-Nord', country: 'Burkina Faso', precision: 'locality' },
    occurred: { start: '2023-10-20', precision: 'day' },
    report: report('rep-is-channel', 'isSahelChannel', { publishedAt: '2023-10-20T18:00:00Z' }),
    ...recorded,
  },
};

/** 415 fighters killed 2019–2021 (seed: Critical Threats citing ACLED) vs "1,500+ total deaths" (seed: infobox). */
export const fatalitiesAsserted: ClaimEvent = {
  type: 'ClaimAsserted',
  data: {
    claimId: 'claim-jnim-isgs-fatalities',
    statement: 'About 415 fighters were killed in JNIM-ISGS clashes between 2019 and 2021',
    category: 'casualty_figure',
    actors: [
      { name: 'JNIM', role: 'other', affiliation: 'al-Qaeda' },
      { name: 'ISGS', role: 'other', affiliation: 'Islamic State' },
    ],
    location: { placeName: 'Liptako-Gourma', country: 'Mali', precision: 'region' },
    occurred: { start: '2019-01-01', end: '2021-12-31', precision: 'year' },
    quantity: { counted: 'fighters killed', figure: { best: 415 } },
    report: report('rep-ctp-415', 'criticalThreats', { figure: { best: 415 } }),
    ...recorded,
  },
};

/** JNIM rejects an IS ceasefire proposal, per an unverified statement shared by unofficial accounts (seed). */
export const ceasefireRejectionAsserted: ClaimEvent = {
  type: 'ClaimAsserted',
  data: {
    claimId: 'claim-jnim-rejects-ceasefire',
    statement: 'JNIM rejected a purported Islamic State ceasefire proposal',
    category: 'statement',
    actors: [
      { name: 'JNIM', role: 'claimant', affiliation: 'al-Qaeda' },
      { name: 'Islamic State', role: 'target' },
    ],
    location: { placeName: 'Central Sahel', country: 'Mali', precision: 'region' },
    occurred: { start: '2020-05-05', precision: 'day' },
    report: report('rep-unofficial-accounts', 'unofficialJihadistAccounts', {
      publishedAt: '2020-05-05T12:00:00Z',
      relays: 'azZallaqa',
    }),
    ...recorded,
  },
};

/** French forces killed AQIM leader Abdelmalek Droukdel in northern Mali on 3 June 2020 (seed: Grey Dynamics). */
export const droukdelKilledAsserted: ClaimEvent = {
  type: 'ClaimAsserted',
  data: {
    claimId: 'claim-droukdel-killed',
    statement: 'French forces killed AQIM leader Abdelmalek Droukdel in a raid in northern Mali',
    category: 'attack',
    actors: [
      { name: 'French armed forces', role: 'perpetrator', affiliation: 'France' },
      { name: 'Abdelmalek Droukdel', role: 'target', affiliation: 'AQIM' },
    ],
    location: { placeName: 'Talhandak', adminRegion: 'Kidal', country: 'Mali', precision: 'locality' },
    occurred: { start: '2020-06-03', precision: 'day' },
    report: report('rep-french-mod', 'frenchArmedForces', { publishedAt: '2020-06-05T19:00:00Z' }),
    ...recorded,
  },
};
