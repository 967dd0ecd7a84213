/**
 * Audience-size previews: one service per server, shared by the features that
 * show sizes (code lenses; hover may ask `cachedSize(name)`).
 */
import type { ServerContext } from '../server-context';
import { SizePreviewService } from './size-preview-service';

export type { SizeStatus } from './size-preview-service';
export { SizePreviewService };

const services = new WeakMap<ServerContext, SizePreviewService>();

/** The server's size previews, started on first use (it follows the server's changes from then on). */
export function previewsFor(context: ServerContext): SizePreviewService {
  let service = services.get(context);
  if (!service) {
    const created = new SizePreviewService(context);
    context.onChange(() => created.changed());
    services.set(context, (service = created));
  }
  return service;
}
