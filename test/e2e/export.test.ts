import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as ort from 'onnxruntime-web';
import { onlySweep, readJson, runCli, runFolders, syntheticExperiment, tempDir, writeExperiment } from '../helpers/cli.js';

ort.env.wasm.numThreads = 1;

test('export --format onnx: ONNX Runtime (float64) gives the probabilities and classes of predict within 1e-9, for any batch size', async () => {
  const dir = tempDir('dlsweep-export-');
  const file = writeExperiment(
    dir,
    'e.yaml',
    syntheticExperiment('e', '  activation: [relu, leaky_relu, tanh, sigmoid]', 'fixed:\n  iterations: 80\n  hidden_sizes: [5, 3]\n  learning_rate: 0.3\n  threshold: 0.6\n'),
  );
  const r = runCli(['run', file, '--quiet', '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(join(dir, 'runs'), 'e');

  // 37 rows of the 4 features in raw units (features only, in the model's order).
  const rows: number[][] = [];
  for (let i = 0; i < 37; i++) rows.push([0, 1, 2, 3].map((f) => Math.sin(i * 1.7 + f * 2.3) * 3 + f));
  writeFileSync(join(dir, 'rows.csv'), rows.map((x) => x.join(',')).join('\n') + '\n');

  for (const folder of runFolders(sweep)) {
    const run = `e/latest/${Number(folder.slice(0, 4))}`;
    const p = runCli(['predict', run, '--input', 'rows.csv'], dir);
    assert.equal(p.code, 0, p.stderr);
    const predicted = (parse(p.stdout, { columns: true }) as Record<string, string>[]).map((x) => ({ p: Number(x.probability), c: Number(x.predicted_class) }));
    const e = runCli(['export', run, '--format', 'onnx', '-o', `${folder}.onnx`], dir);
    assert.equal(e.code, 0, e.stderr);
    const session = await ort.InferenceSession.create(readFileSync(join(dir, `${folder}.onnx`)));
    for (const batch of [1, 7, 37]) {
      for (let start = 0; start < rows.length; start += batch) {
        const part = rows.slice(start, start + batch);
        const x = new ort.Tensor('float64', Float64Array.from(part.flat()), [part.length, 4]);
        const out = await session.run({ x });
        const prob = out.probability.data as Float64Array;
        const cls = out.predicted_class.data as BigInt64Array;
        assert.deepEqual(out.probability.dims, [part.length, 1]);
        part.forEach((_, i) => {
          const want = predicted[start + i];
          assert.ok(Math.abs(prob[i] - want.p) <= 1e-9, `${folder} row ${start + i}: onnx ${prob[i]} vs predict ${want.p}`);
          assert.equal(Number(cls[i]), want.c);
        });
      }
    }
    await session.release();
  }
  // --format json: the recorded model.json, as it is.
  const folder = runFolders(sweep)[0];
  assert.equal(runCli(['export', 'e/latest/1', '--format', 'json', '-o', 'm.json'], dir).code, 0);
  assert.deepEqual(readJson(join(dir, 'm.json')), readJson(join(sweep, folder, 'model.json')));
  const bad = runCli(['export', 'e/latest/1', '--format', 'pmml', '-o', 'm.x'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are onnx, json/);
  // Without --format, the output's extension names it; an extension naming neither is refused, nothing written.
  assert.equal(runCli(['export', 'e/latest/1', '-o', 'n.json'], dir).code, 0);
  assert.deepEqual(readJson(join(dir, 'n.json')), readJson(join(sweep, folder, 'model.json')));
  const none = runCli(['export', 'e/latest/1', '-o', 'n.bin'], dir);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no --format, and the output n\.bin does not end in \.onnx or \.json/);
  assert.equal(existsSync(join(dir, 'n.bin')), false);
  // An output in a folder that does not exist is refused in words, for export as for compare, before any work.
  for (const args of [['export', 'e/latest/1', '-o', 'no-such/m.onnx'], ['compare', 'e', '-o', 'no-such/m.csv']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: --output \S+no-such\/m\.\w+: the folder \S+no-such does not exist\n/, args[0]);
  }
});
