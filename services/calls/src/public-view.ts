import ical from 'ical-generator';
import { inZone, type CallDefinition, type Stage, type ZonedInstant } from '@permed/domain';

export const stageLabels: Record<Stage['kind'], string> = {
  'pre-announcement': 'Pre-announcement',
  'pre-proposal-submission': 'Pre-proposal submission',
  'eligibility-check': 'Eligibility check',
  'pre-proposal-evaluation': 'Pre-proposal evaluation',
  'full-proposal-submission': 'Full-proposal submission',
  'full-proposal-review': 'Full-proposal review',
  rebuttal: 'Rebuttal',
  panel: 'Panel meeting',
  'funding-recommendation': 'Funding recommendation',
  'national-decisions': 'National funding decisions',
};

export interface InstantView {
  utc: string;
  zone: string;
  local: string;
  /** The same instant in the viewer's zone when one was asked for. */
  viewer?: { zone: string; local: string };
}

function instantView(z: ZonedInstant, viewerZone?: string): InstantView {
  return {
    utc: z.at,
    zone: z.zone,
    local: inZone(z),
    ...(viewerZone ? { viewer: { zone: viewerZone, local: inZone(z, viewerZone) } } : {}),
  };
}

/** Stages in UTC and in the zone they were announced in, with their status at `now`. */
export function stagesView(definition: CallDefinition, now: Date, viewerZone?: string) {
  return definition.stages.map((s) => {
    const opens = Date.parse(s.opensAt.at);
    const closes = Date.parse(s.closesAt.at);
    const t = now.getTime();
    return {
      kind: s.kind,
      label: s.label ?? stageLabels[s.kind],
      opensAt: instantView(s.opensAt, viewerZone),
      closesAt: instantView(s.closesAt, viewerZone),
      status: t < opens ? ('upcoming' as const) : t < closes ? ('open' as const) : ('closed' as const),
    };
  });
}

/**
 * The call's dates as an iCalendar feed. Times are written in UTC, which every client converts
 * correctly; the announced zone is in each description and X-WR-TIMEZONE.
 */
export function callCalendar(
  definition: CallDefinition,
  args: { url: string; version: number; now: Date },
): string {
  const calendar = ical({
    name: definition.title,
    prodId: { company: 'PerMed Calls', product: 'call-calendar', language: 'EN' },
    url: args.url,
    ttl: 3600,
    // No calendar-wide TZID: every time is written in UTC (a trailing Z), which needs no VTIMEZONE.
    x: [{ key: 'X-WR-TIMEZONE', value: definition.zone }],
  });
  for (const s of definition.stages) {
    const label = s.label ?? stageLabels[s.kind];
    calendar.createEvent({
      id: `${definition.slug}-${s.kind}@permed-calls`,
      start: new Date(s.opensAt.at),
      end: new Date(s.closesAt.at),
      summary: `${definition.title}: ${label}`,
      description: `${label}, ${inZone(s.opensAt)} to ${inZone(s.closesAt)} (${s.closesAt.zone}). Call version ${args.version}.`,
      url: args.url,
      stamp: args.now,
    });
    if (
      s.kind === 'pre-proposal-submission' ||
      s.kind === 'full-proposal-submission' ||
      s.kind === 'rebuttal'
    ) {
      calendar.createEvent({
        id: `${definition.slug}-${s.kind}-deadline@permed-calls`,
        start: new Date(s.closesAt.at),
        end: new Date(s.closesAt.at),
        summary: `DEADLINE ${definition.title}: ${label}`,
        description: `Deadline ${inZone(s.closesAt)} ${s.closesAt.zone}. The server clock decides: a submission committed at or after this instant is late.`,
        url: args.url,
        stamp: args.now,
      });
    }
  }
  return calendar.toString();
}
