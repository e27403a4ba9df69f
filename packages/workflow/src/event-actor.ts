import { z } from 'zod';

/**
 * Who may fire a workflow event. The HTTP layer uses this to refuse, say, a consortium trying to
 * close the eligibility check; the machines themselves never look at it.
 * - `call-office`: the Joint Call Secretariat, acting for itself or recording a Call Steering Committee decision.
 * - `applicant`: the consortium coordinator.
 * - `scheduler`: the job that fires at an announced instant (opening, deadline); never a person.
 * - `system`: a service deriving the event from other records (e.g. all national decisions recorded).
 */
export const eventActors = ['call-office', 'applicant', 'scheduler', 'system'] as const;
export const eventActor = z.enum(eventActors);
export type EventActor = z.infer<typeof eventActor>;
