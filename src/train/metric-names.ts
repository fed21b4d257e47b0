/**
 * The names of the metrics recorded for each split (train, validation), as flat keys take them
 * (`validation.accuracy`): one list the comparison tables, the experiment's objective and the exports share.
 */

/** Metric names of one split in display order (metrics.json's fields, then the confusion counts). */
export const SPLIT_METRICS = ['loss', 'accuracy', 'precision', 'recall', 'specificity', 'f1', 'roc_auc', 'baseline_accuracy', 'tn', 'fp', 'fn', 'tp'] as const;

/** Proportion metrics, each with a 95% Wilson interval from its confusion counts (`_ci_low`, `_ci_high`). */
export const PROPORTION_METRICS = ['accuracy', 'precision', 'recall', 'specificity'] as const;

/**
 * Interval metric names: accuracy_ci_low, accuracy_ci_high, precision_ci_low, ... (Wilson), then
 * roc_auc_ci_low, roc_auc_ci_high (DeLong; rows of runs with predictions.csv only).
 */
export const INTERVAL_METRICS: string[] = [...PROPORTION_METRICS, 'roc_auc'].flatMap((m) => [`${m}_ci_low`, `${m}_ci_high`]);

/** Metrics where lower is better: the loss and the error counts. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['loss', 'fp', 'fn']);
