import { z } from 'zod';

/**
 * A recorded moment, e.g. when a submission was committed: ISO 8601 with an offset and any
 * precision. (The domain's `instant` is minute-precise, made for announced deadlines; a receipt
 * must show the second, since 16:59:59 and 17:00:00 fall on either side of a deadline.)
 */
export const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp with offset');
