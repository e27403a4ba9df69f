import { createFileRoute } from '@tanstack/react-router';
import { InvitationLanding } from '../features/workspace/invitation-landing';

// The link in the partner invitation e-mail: /proposal-invitation#<token>. The token travels in
// the fragment, so it reaches neither the server's logs nor a Referer header.
export const Route = createFileRoute('/proposal-invitation')({
  component: InvitationLanding,
});
