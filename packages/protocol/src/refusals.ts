// The schema of a refusal as it crosses a boundary; the codes, their parameters and refusal()
// are plain data in refusal-codes.ts (the console reads them without building schemas).
import { z } from 'zod';
import { refusalCodes, type Refusal, type RefusalCode } from './refusal-codes';

export * from './refusal-codes';

export const refusalSchema: z.ZodType<Refusal> = z.object({
  code: z.enum(refusalCodes as [RefusalCode, ...RefusalCode[]]),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
