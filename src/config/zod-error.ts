import type { z } from 'zod';

/** One line per problem, each naming the field path, e.g. `orders.0.p: Expected string`. */
export function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const at = i.path.length ? i.path.map(String).join('.') : '(root)';
      return `${at}: ${i.message}`;
    })
    .join('; ');
}
