// Complete proposals ready to submit, prepared directly in the database: the same preparation as
// `scripts/bench/deadline-rush.ts` (that script exports nothing and runs on import, so its helpers
// are restated here rather than imported; keep the two in step).
import { randomUUID } from 'node:crypto';
import { createUser, hashToken, signAccessToken, signingKey } from '@permed/auth';
import { jtc2020Definition } from '@permed/calls-service';
import type { Config } from '@permed/config';
import { schema, systemActor, type Db } from '@permed/db';
import { systemClock, type CallDefinitionInput, type Partner } from '@permed/domain';
import { createProposal, proposalsContext } from '@permed/proposals-service';
import type { Principal } from '../../../packages/http/src/index.ts';
import { makeDeps } from '../../../packages/service-kit/src/index.ts';
import { createCall, publishCall } from '../../../services/calls/src/manage-calls.ts';

/** A coordinator with a live session and an access token, and the proposal it coordinates. */
export interface PreparedProposal {
  id: string;
  userId: string;
  email: string;
  token: string;
}

/** Four partners from four countries, each with a budget: a proposal the JTC2020 rules accept. */
export function rushPartners(i: number): Partner[] {
  const budget = (currency: string) => ({
    currency,
    personnel: 20_000_000,
    consumables: 1_000_000,
    equipment: 0,
    travel: 500_000,
    subcontracting: 0,
    overhead: 1_000_000,
  });
  return [
    {
      id: 'charite',
      organisation: { name: 'Charité', country: 'DE', region: 'DE-BE', type: 'clinical-public-health' },
      pi: { name: `PI ${i} Berlin`, email: `pi${i}.berlin@example.org` },
      funderId: 'bmbf',
      coordinator: true,
      budget: budget('EUR'),
    },
    {
      id: 'karolinska',
      organisation: { name: 'Karolinska Institutet', country: 'SE', type: 'academia' },
      pi: { name: `PI ${i} Stockholm`, email: `pi${i}.stockholm@example.org` },
      funderId: 'vr',
      coordinator: false,
      budget: budget('EUR'),
    },
    {
      id: 'laval',
      organisation: { name: 'Université Laval', country: 'CA', region: 'CA-QC', type: 'academia' },
      pi: { name: `PI ${i} Québec`, email: `pi${i}.quebec@example.org` },
      funderId: 'frqs',
      coordinator: false,
      budget: budget('CAD'),
    },
    {
      id: 'clinic-bcn',
      organisation: {
        name: 'Hospital Clínic de Barcelona',
        country: 'ES',
        region: 'ES-CT',
        type: 'clinical-public-health',
      },
      pi: { name: `PI ${i} Barcelona`, email: `pi${i}.barcelona@example.org` },
      funderId: 'isciii',
      coordinator: false,
      budget: budget('EUR'),
    },
  ];
}

/** The JTC2020 demo call with its pre-proposal deadline at `deadline`, the other stages laid around it. */
export function callClosingAt(slug: string, deadline: Date): CallDefinitionInput {
  const base = jtc2020Definition();
  const day = 24 * 3600_000;
  let at = deadline.getTime() - 40 * day;
  const stages = base.stages.map(({ kind }) => {
    const opensAt = at;
    const closesAt = kind === 'pre-proposal-submission' ? deadline.getTime() : at + 10 * day;
    at = closesAt;
    return {
      kind,
      opensAt: { at: new Date(opensAt).toISOString(), zone: base.zone },
      closesAt: { at: new Date(closesAt).toISOString(), zone: base.zone },
    };
  });
  return { ...base, slug, title: `Reliability ${slug}`, stages };
}

/** Creates and publishes the call; returns its id. */
export async function publishCallClosingAt(db: Db, slug: string, deadline: Date): Promise<string> {
  const call = await createCall({ db, clock: systemClock }, systemActor, callClosingAt(slug, deadline));
  await publishCall({ db, clock: systemClock }, systemActor, slug, 'reliability scenario');
  return call.id;
}

/**
 * Coordinators with a live session and a one-hour access token (sessions are written directly, no
 * password hashing), each with a complete proposal made by the service's own use case and a PDF
 * recorded as its document (`pdf`: a blob already in the platform's blob store).
 */
export async function prepareProposals(
  db: Db,
  config: Config,
  args: { callSlug: string; count: number; label: string; pdf: { sha256: string; bytes: number } },
): Promise<PreparedProposal[]> {
  const ctx = proposalsContext(makeDeps(config, db, systemClock));
  const key = signingKey(config.AUTH_SECRET);
  const out: PreparedProposal[] = [];
  const now = new Date();
  const batch = 25;
  for (let start = 0; start < args.count; start += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, args.count - start) }, async (_, k) => {
        const i = start + k;
        const user = await createUser(db, {
          email: `${args.label}-${i}@reliability.invalid`,
          displayName: `${args.label} ${i}`,
          logN: 14,
        });
        const [session] = await db
          .insert(schema.sessions)
          .values({
            userId: user.id,
            refreshTokenHash: hashToken(randomUUID()),
            createdAt: now,
            expiresAt: new Date(now.getTime() + 24 * 3600_000),
          })
          .returning({ id: schema.sessions.id });
        const principal: Principal = {
          userId: user.id,
          email: user.email,
          displayName: args.label,
          sessionId: session!.id,
          grants: [],
        };
        const created = await createProposal(ctx, principal, {
          callSlug: args.callSlug,
          acronym: `${args.label.slice(0, 6)}${i}`.slice(0, 20),
          title: `Reliability proposal ${args.label} ${i}`,
          abstract: 'A complete pre-proposal prepared for a reliability scenario.',
          keywords: ['reliability'],
          modules: ['1B', '2B', '3B'],
          durationMonths: 36,
          partners: rushPartners(i),
        });
        await db.insert(schema.proposalDocuments).values({
          proposalId: created.proposal.id,
          stage: 'pre-proposal',
          kind: 'proposal',
          fileName: 'proposal.pdf',
          sha256: args.pdf.sha256,
          bytes: args.pdf.bytes,
          pages: 1,
          pdfVersion: '1.7',
          uploadedAt: now,
          uploadedBy: user.id,
        });
        const { token } = await signAccessToken({ userId: user.id, sessionId: session!.id }, key, now, 3600);
        return { id: created.proposal.id, userId: user.id, email: user.email, token };
      }),
    );
    out.push(...made);
  }
  return out;
}
