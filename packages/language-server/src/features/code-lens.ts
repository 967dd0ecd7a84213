/**
 * Code lenses: audience sizes above each segment and plan, and the funnel of
 * each `all of` block (previews/). Answered at once from what is counted; the
 * counts themselves run in a separate process, and the client is asked to
 * fetch lenses again when they land.
 */
import type { Feature } from '../server-context';
import { previewsFor } from '../previews/index';

export const codeLensFeature: Feature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(context) {
    const previews = previewsFor(context);
    context.connection.onCodeLens(({ textDocument }) => previews.codeLenses(textDocument.uri));
  },
};
