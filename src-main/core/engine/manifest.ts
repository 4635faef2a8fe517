// heirloom.json: what a model directory holds and how to run it. Validated on every load.
import { z } from 'zod';

export const ModelManifestSchema = z.object({
  format: z.literal('heirloom-model/1'),
  id: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/),
  name: z.string().min(1),
  version: z.string().min(1),
  architecture: z.enum(['heirloom', 'heirloom3', 'beta']),
  /** Short side the network sees, in pixels (a multiple of 8). */
  workingSize: z
    .number()
    .int()
    .min(64)
    .max(2048)
    .refine((n) => n % 8 === 0, 'workingSize must be a multiple of 8'),
  input: z.object({ channels: z.union([z.literal(1), z.literal(4)]) }),
  output: z.discriminatedUnion('type', [
    z
      .object({
        type: z.literal('ab-bins'),
        stride: z.literal(4),
        centres: z.array(z.tuple([z.number(), z.number()])).min(2),
        /** Annealed-mean temperature (Zhang et al. 2016); chosen on the validation split. */
        temperature: z.number().positive().max(2),
        /** Per-bin class-rebalancing weights the model was trained with (see decodeAb). */
        rebalancingWeights: z.array(z.number().positive()).optional(),
        /** 0..1: share of the rebalancing undone at decode time; chosen on the validation split. */
        priorCorrection: z.number().min(0).max(1).optional(),
        /** Multiplies the decoded ab; chosen with the two above on the validation split. */
        chromaGain: z.number().positive().max(3).optional(),
        /** Chroma added along each pixel's own hue, tapering to nothing on grey pixels (see decodeAb). */
        chromaLift: z.number().min(0).max(40).optional(),
      })
      .refine((o) => !o.rebalancingWeights || o.rebalancingWeights.length === o.centres.length, 'one rebalancing weight per bin'),
    z.object({ type: z.literal('ab-tanh'), stride: z.literal(1), scale: z.number().positive() }),
  ]),
  files: z.object({
    topology: z.string(),
    weights: z.string(),
    weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
    weightsBytes: z.number().int().positive(),
  }),
  parentId: z.string().nullable().optional(),
  /** File summarising the training pool's image-level features (archive-gate.ts); base models only. */
  poolEmbedding: z.string().optional(),
  /** File of a fine-tuned checkpoint's archive gate (archive-gate.ts). */
  archiveGate: z.string().optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type ModelManifest = z.infer<typeof ModelManifestSchema>;
export const MANIFEST_FILE = 'heirloom.json';
