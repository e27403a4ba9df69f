/**
 * Stable codes for the ways a caller can misuse the workflow API. A refused event is not one of them:
 * `step` reports that as `accepted: false`, because refusing is the machine doing its job.
 */
export const workflowErrorCodes = [
  'WORKFLOW_INPUT_INVALID',
  'WORKFLOW_SNAPSHOT_INVALID',
  'WORKFLOW_VERSION_MISMATCH',
  'WORKFLOW_EVENT_INVALID',
] as const;
export type WorkflowErrorCode = (typeof workflowErrorCodes)[number];

export class WorkflowError extends Error {
  readonly code: WorkflowErrorCode;

  constructor(code: WorkflowErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkflowError';
    this.code = code;
  }
}
