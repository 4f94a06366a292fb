import { hostOf, resolveDeliveryAddresses, WebhookAddressRefused } from '@claims/feed';
import { HttpProblem } from '../http/problem';

/**
 * Refuses, as a 422 naming `url`, a URL whose host is or resolves to a loopback, private, link-local or
 * reserved address (unless private receivers are allowed). The dispatcher checks again at every attempt:
 * a name may resolve elsewhere later.
 */
export const assertDeliverableUrl = async (url: string, allowPrivate: boolean): Promise<void> => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HttpProblem(422, 'WEBHOOK_URL_REFUSED', 'The request is not valid', `deliveries are made over http(s) only, not ${parsed.protocol}`, { field: 'url' });
  }
  if (parsed.username || parsed.password) {
    throw new HttpProblem(422, 'WEBHOOK_URL_REFUSED', 'The request is not valid', 'the URL may not carry credentials: deliveries are authenticated by their signature', { field: 'url' });
  }
  try {
    await resolveDeliveryAddresses(hostOf(parsed), allowPrivate);
  } catch (error) {
    if (!(error instanceof WebhookAddressRefused)) throw error;
    throw new HttpProblem(422, 'WEBHOOK_URL_REFUSED', 'The request is not valid', `deliveries cannot go there: ${error.reason}`, { field: 'url' });
  }
};
