/** The managed Wisconsin breast cancer file: where it comes from and its columns (the file has no header). */
import { basename } from 'node:path';

export const WISCONSIN = {
  name: 'wisconsin',
  uciFile: 'breast-cancer-wisconsin.data',
  url: 'https://archive.ics.uci.edu/dataset/15/breast+cancer+wisconsin+original',
  /** sha256 of the UCI file (699 rows). A different file still loads, with a warning. */
  sha256: '402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64',
  /** Column names, from the UCI description (breast-cancer-wisconsin.names). Class: 2 benign, 4 malignant. */
  columns: [
    'sample_code_number',
    'clump_thickness',
    'uniformity_of_cell_size',
    'uniformity_of_cell_shape',
    'marginal_adhesion',
    'single_epithelial_cell_size',
    'bare_nuclei',
    'bland_chromatin',
    'normal_nucleoli',
    'mitoses',
    'class',
  ],
} as const;

/** The message for a missing managed Wisconsin file: where to put it, what it is, how to fetch it. */
export function wisconsinMissingMessage(path: string): string {
  return [
    `Dataset file not found: ${path}`,
    `Put the Wisconsin breast cancer data at ${path}: it is ${WISCONSIN.uciFile} from the UCI Machine Learning Repository`,
    `(${WISCONSIN.url}), saved under the name ${basename(path)}.`,
    `Or run \`dlsweep data fetch wisconsin\` to download it there.`,
  ].join('\n');
}
