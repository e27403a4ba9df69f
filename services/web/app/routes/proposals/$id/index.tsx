import { createFileRoute, notFound } from '@tanstack/react-router';
import { NotFound } from '../../../components/not-found';
import { QueryError } from '../../../components/query-error';
import { ApiError } from '../../../lib/api';
import { sessionUser } from '../../../lib/session';
import { SignInFirst } from '../../../features/workspace/sign-in-first';
import { WorkspacePage } from '../../../features/workspace/workspace-page';
import { callFactsQuery, proposalQuery } from '../../../features/workspace/queries';

export const Route = createFileRoute('/proposals/$id/')({
  loader: async ({ context: { queryClient }, params: { id } }) => {
    if (!sessionUser()) return;
    try {
      const proposal = await queryClient.ensureQueryData(proposalQuery(id));
      await queryClient.ensureQueryData(callFactsQuery(proposal.call.slug));
    } catch (error) {
      // A proposal one may not see answers 404 like one that does not exist.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (error instanceof ApiError && error.status === 404) throw notFound();
      throw error;
    }
  },
  component: Workspace,
  notFoundComponent: NotFound,
  errorComponent: ({ error, reset }) => <QueryError error={error} retry={reset} />,
});

function Workspace() {
  const { id } = Route.useParams();
  if (!sessionUser()) return <SignInFirst />;
  return <WorkspacePage id={id} />;
}
