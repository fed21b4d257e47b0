import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanNumber, distinguishingDigits, formatMeanStd, formatMetric, formatMs, formatParam, formatReal, metricLabel, shortNumber } from '../../src/report/format.js';
import { canonicalName } from '../../src/report/columns.js';
import { landscapeHeatmap } from '../../src/report/landscape.js';
import { toCsv } from '../../src/csv-write.js';

test('metrics: ratios 4 decimals, losses 4 significant digits, counts integers, undefined n/a', () => {
  assert.equal(formatMetric('validation.accuracy', 0.978021978021978), '0.9780');
  assert.equal(formatMetric('validation.recall', 1), '1.0000');
  assert.equal(formatMetric('train.f1', 0.9300000000000002), '0.9300');
  assert.equal(formatMetric('train.loss', 0.02676123), '0.02676');
  assert.equal(formatMetric('train.loss', 204.8312), '204.8');
  assert.equal(formatMetric('train.loss', 0.1 + 0.2), '0.3000');
  assert.equal(formatMetric('train.loss', 1.23e-7), '1.230e-7');
  assert.equal(formatMetric('train.loss', 0), '0');
  assert.equal(formatMetric('validation.fn', 41), '41');
  assert.equal(formatMetric('training_ms', 251.6), '252');
  // Undefined metrics (precision with no positive prediction) are n/a: never NaN, never 0.
  assert.equal(formatMetric('validation.precision', null), 'n/a');
  assert.equal(formatMetric('validation.precision', undefined), 'n/a');
  assert.equal(formatMetric('train.loss', NaN), 'NaN');
  assert.equal(formatMetric('train.loss', Infinity), 'inf');
});

test('4 significant digits survive rounding up to a new digit', () => {
  assert.equal(formatReal(9.99996), '10.00');
  assert.equal(formatReal(0.99996), '1.000');
  assert.equal(formatReal(0.123456), '0.1235');
  assert.equal(formatReal(1234.56), '1235');
});

test('mean ± std; means of counts get 2 decimals', () => {
  assert.equal(formatMeanStd('validation.accuracy', 0.865, 0.0384057), '0.8650 ± 0.0384');
  assert.equal(formatMeanStd('validation.loss', 0.3238917, 0.0915840), '0.3239 ± 0.09158');
  assert.equal(formatMeanStd('validation.fn', 13, undefined), '13');
  assert.equal(formatMeanStd('validation.fn', 13.5, undefined), '13.50');
  assert.equal(formatMeanStd('validation.fn', 3.6667, 4.041), '3.67 ± 4.04');
  assert.equal(formatMeanStd('validation.precision', null, null), 'n/a ± n/a');
});

test('a search\'s choice recorded as its JSON ("adam", [8,4]) is shown bare, as a grid shows it', () => {
  assert.equal(formatParam('adam', '"adam"'), 'adam');
  assert.equal(formatParam([8, 4], '[8,4]'), '[8, 4]');
  // A number keeps its spelling (a drawn one is shortened by digits instead); so does any other spelling.
  assert.equal(formatParam(0.000125, '0.000125'), '0.000125');
  assert.equal(formatParam('adam', 'adam'), 'adam');
});

test('a default lr_schedule (no spelling) is written as a declared one is, in the flow style of the file ({kind: constant})', () => {
  assert.equal(formatParam({ kind: 'constant' }), '{kind: constant}');
  assert.equal(formatParam({ kind: 'cosine' }, '{kind: cosine}'), '{kind: cosine}');
  assert.equal(formatParam({ kind: 'cosine', min_learning_rate: 0 }), '{kind: cosine, min_learning_rate: 0}');
  assert.equal(formatParam({ kind: 'step', every: 100, factor: 0.5 }), '{kind: step, every: 100, factor: 0.5}');
  // A recorded spelling that is only the value's JSON is written like a value without one.
  assert.equal(formatParam({ kind: 'constant' }, '{"kind":"constant"}'), '{kind: constant}');
  // Strings YAML would read as something else keep their quotes; lists stay as they were written.
  assert.equal(formatParam({ note: 'a b', flag: 'true' }), '{note: "a b", flag: "true"}');
  assert.equal(formatParam([[15], [30]]), '[[15], [30]]');
});

test('parameters as the user wrote them; numbers cleaned of float noise; absent as -', () => {
  assert.equal(formatParam(0.001, '1e-3'), '1e-3');
  assert.equal(formatParam(0.1 + 0.2), '0.3');
  assert.equal(formatParam([8, 4]), '[8, 4]');
  assert.equal(formatParam('he_normal'), 'he_normal');
  assert.equal(formatParam(undefined), '-');
  assert.equal(cleanNumber(0.1 + 0.2), 0.3);
  assert.equal(cleanNumber(0.978021978021978), 0.978021978022);
});

test('labels, durations and name aliases', () => {
  assert.equal(metricLabel('validation.accuracy'), 'val acc');
  assert.equal(metricLabel('train.fn'), 'train FN');
  assert.equal(metricLabel('validation.roc_auc'), 'val AUC');
  assert.equal(formatMs(35), '35 ms');
  assert.equal(formatMs(4200), '4.2s');
  assert.equal(formatMs(185_000), '3m05s');
  assert.equal(canonicalName('val.acc'), 'validation.accuracy');
  assert.equal(canonicalName('validation_accuracy'), 'validation.accuracy');
  assert.equal(canonicalName('Train.Loss'), 'train.loss');
  assert.equal(canonicalName('val.sensitivity'), 'validation.recall');
  assert.equal(canonicalName('learning_rate'), 'learning_rate');
});

test('drawn parameter values: 4 significant digits, more only where the values of a column would read alike', () => {
  assert.equal(shortNumber(0.9848637283989128, 4), '0.9849');
  assert.equal(shortNumber(0.000123456789, 4), '0.0001235');
  assert.equal(shortNumber(2.5e-7, 4), '2.5e-7');
  assert.equal(shortNumber(0.5, 4), '0.5'); // no trailing zeros
  assert.equal(shortNumber(12345, 4), '12345'); // integers whole (int_uniform draws)
  assert.equal(distinguishingDigits([0.9848637283989128, 0.12, 0.5]), 4);
  // 0.98486 and 0.98491 both read 0.9849 at 4 digits, apart at 5.
  assert.equal(distinguishingDigits([0.984863, 0.984911, 0.3]), 5);
  // Equal values are not a collision; integers never count.
  assert.equal(distinguishingDigits([0.1234567, 0.1234567, 7, 7]), 4);
  // Values that differ only in the last bit need every digit.
  assert.equal(distinguishingDigits([0.1, 0.1 + 2 ** -56]), 17);
  // formatParam: with digits, a number is short whatever its recorded spelling; without, the spelling.
  assert.equal(formatParam(0.9848637283989128, '0.9848637283989128', 4), '0.9849');
  assert.equal(formatParam(0.9848637283989128, '0.9848637283989128'), '0.9848637283989128');
  assert.equal(formatParam(30, '30', 4), '30');
});

test("the ui's cells (ui-static/format.js, as served) write numbers as the terminal's tables: losses with 4 significant digits and their zeros, counts whole, means of counts with 2 decimals, durations as ls", async () => {
  const ui = (await import(new URL('../../bundle/ui-static/format.js', import.meta.url).href)) as {
    fmt: (key: string, v: unknown) => string;
    fmtMean: (key: string, v: unknown) => string;
    duration: (seconds: unknown) => string;
  };
  const cases: [string, number, string][] = [
    ['validation.loss', 0.61, '0.6100'],
    ['train.loss', 0.000512, '0.0005120'],
    ['train.loss', 1.23e-7, '1.230e-7'],
    ['train.loss', 1, '1.000'],
    ['train.loss', 204.8312, '204.8'],
    ['validation.accuracy', 1, '1.0000'],
    ['validation.fn', 41, '41'],
    ['training_ms', 251.6, '252'],
    ['train.loss', Infinity, 'inf'],
  ];
  for (const [key, v, text] of cases) assert.equal(ui.fmt(key, v), text, `${key} ${v}`);
  // Values that are no metric: integers whole (a file's bytes), others with 4 significant digits.
  assert.equal(ui.fmt('', 12345678), '12345678');
  assert.equal(ui.fmt('', 0.123456), '0.1235');
  assert.equal(ui.fmt('learning_rate', 0.05), '0.05');
  assert.equal(ui.fmt('', null), '');
  // A group's mean and std of a count, as compare --group-by writes them.
  assert.equal(ui.fmtMean('validation.fn', 3.6667), '3.67');
  assert.equal(ui.fmtMean('validation.accuracy', 0.865), '0.8650');
  // A sweep's duration, as ls writes it.
  assert.deepEqual([0.194, 4.23, 12.4, 185, 3720, null].map(ui.duration), ['194 ms', '4.2s', '12s', '3m05s', '1h02m', '']);
});

test("a loss landscape's losses read as every loss does (4 significant digits): the terminal picture's scale", () => {
  // A 2 x 2 grid around the trained network (a = b = 0), losses from 0.000123456 to 2.5.
  const points = [
    { a: 0, b: 0, loss: 0.000123456, accuracy: 1 },
    { a: 1, b: 0, loss: 0.5, accuracy: 1 },
    { a: 0, b: 1, loss: 1, accuracy: 1 },
    { a: 1, b: 1, loss: 2.5, accuracy: 1 },
  ];
  const picture = landscapeHeatmap(points, [0, 1], [0, 1]);
  assert.match(picture, /loss 0\.0001235 ' ' to 2\.500 '@', O: the trained network$/);
});

test('CSV cells a spreadsheet would run as formulas (= + - @, tab, carriage return first) are written as text, numbers as numbers (OWASP CSV injection)', () => {
  const cells = ['=1+2', '+SUM(A1)', '-2+3', '@A1', '\tx', '\rx', '-', '-0.5', '+3', '1e-8', '-1.5E+3', '.5', 'he_normal', '[15]', '-Infinity', ''];
  assert.equal(
    toCsv([cells]),
    `'=1+2,'+SUM(A1),'-2+3,'@A1,'\tx,"'\rx",'-,-0.5,+3,1e-8,-1.5E+3,.5,he_normal,[15],'-Infinity,\n`,
  );
});
