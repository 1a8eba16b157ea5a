// SegMetrics: segmentation metrics for 2-D slices and 3-D volumes (DESIGN.md section 6).
//
// Input: binary masks as flat [UInt8] (nonzero = foreground) with a shape [d0, d1] or
// [d0, d1, d2], d0 varying fastest (NIfTI order, x fastest): voxel (i, j, k) is at
// i + d0 * (j + d1 * k). Spacing is one positive length per axis, in mm.
//
// Definitions (prediction P, ground truth G; |X| = number of foreground voxels):
// - Accuracy = (TP + TN) / N over all N voxels; Dice = 2|P∩G| / (|P| + |G|);
//   Jaccard = |P∩G| / |P∪G|.
// - Surface of a mask: the foreground voxels with at least one face neighbour (4-connectivity
//   in 2-D, 6 in 3-D) that is background; outside the array counts as background. This equals
//   `mask & ~scipy.ndimage.binary_erosion(mask, generate_binary_structure(ndim, 1), border_value=0)`.
// - Directed distances d(P→G): for each surface voxel of P, the Euclidean distance in mm
//   (sqrt(Σ (Δi_a · spacing_a)²)) to the nearest surface voxel of G. Likewise d(G→P).
// - HD = max of both directed sets; HD95 = 95th percentile of the concatenation
//   d(P→G) ++ d(G→P) with numpy's default ("linear") interpolation; ASSD = mean of that
//   concatenation.
// - Empty masks: both empty → Accuracy 1, Dice 1, Jaccard 1, HD = HD95 = ASSD = 0.
//   Exactly one empty → Dice 0, Jaccard 0, HD = HD95 = ASSD = +infinity (print it as "inf");
//   Accuracy is still (TP + TN) / N.
//
// Distances come from an exact Euclidean distance transform (Felzenszwalb & Huttenlocher's
// separable lower envelope of parabolas, in Double, anisotropic spacing) of the other mask's
// surface, computed only on the bounding box of both foregrounds (exact: every surface voxel
// lies inside it). A brute-force reference (`DistanceMethod.bruteForce`) is kept for tests.
//
// Summaries over volumes: `mean` and `sampleStandardDeviation` (n − 1, as pandas).
//
// Files: MetricsError (typed errors), Grid (validated shape/spacing), Surface, DistanceTransform,
// BruteForceDistance, SurfaceDistances, Percentile, Overlap, Evaluate, Summary.
