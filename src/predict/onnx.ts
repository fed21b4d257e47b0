/**
 * A recorded run as an ONNX model (float64 throughout), built with onnx-proto (the official onnx.proto
 * messages compiled for protobufjs). The graph computes what `dlsweep predict` computes from a complete
 * numeric row of the features, in the model's order:
 *
 *   x: [N x F] -> scaled = (x - shift) / scale  (x 0 for features constant at training: scale 0)
 *              -> per layer l: z = a W_l^T + b_l, a = g(z) (hidden: relu, leaky_relu as max(z, slope z),
 *                 tanh, sigmoid) -> probability = sigmoid(z_L): [N x 1]
 *              -> predicted_class = probability > threshold (int64, 1 or 0): [N x 1]
 *
 * Missing-value handling stays outside the graph (a NaN input gives a NaN probability): rows must be
 * complete. Opset 13, IR version 7; the batch dimension N is symbolic, so any batch size runs.
 * The ONNX operators are those of https://onnx.ai/onnx/operators/ (Sub, Div, Mul, MatMul, Add, Relu, Max,
 * Tanh, Sigmoid, Greater, Cast).
 */
import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';
import type { RunModelFile } from '../store/records.js';

// onnx-proto is CommonJS; require gives its namespace object as it is.
const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace };

const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
const INT64 = onnx.TensorProto.DataType.INT64;

/** A float64 initializer: values little-endian in raw_data. */
function doubles(name: string, dims: number[], values: ArrayLike<number>): OnnxNamespace.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return { name, dims, dataType: DOUBLE, rawData: bytes };
}

function node(op: string, inputs: string[], outputs: string[], attributes: OnnxNamespace.IAttributeProto[] = []): OnnxNamespace.INodeProto {
  return { opType: op, input: inputs, output: outputs, name: outputs[0], attribute: attributes };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxNamespace.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/**
 * The ONNX model of a run, serialized (the bytes of a .onnx file).
 * Inputs: x [N x F] float64, the features in model.preprocessing.features order (raw units, as in the file).
 * Outputs: probability [N x 1] float64, predicted_class [N x 1] int64.
 * Throws: Error for a hidden activation the exporter does not know (a model edited by hand).
 */
export function onnxModel(model: RunModelFile, producerVersion: string): Uint8Array {
  const pre = model.preprocessing;
  const F = pre.features.length;
  const nodes: OnnxNamespace.INodeProto[] = [];
  const inits: OnnxNamespace.ITensorProto[] = [];

  // Scaling: constant features (scale 0) are divided by 1 and multiplied by 0, as training set them to 0.
  const constant = pre.scaling.scale.map((s) => s === 0);
  inits.push(doubles('shift', [F], pre.scaling.shift));
  inits.push(doubles('scale', [F], pre.scaling.scale.map((s) => (s === 0 ? 1 : s))));
  nodes.push(node('Sub', ['x', 'shift'], ['centred']), node('Div', ['centred', 'scale'], ['scaled']));
  let a = 'scaled';
  if (constant.some(Boolean)) {
    inits.push(doubles('keep', [F], constant.map((c) => (c ? 0 : 1))));
    nodes.push(node('Mul', ['scaled', 'keep'], ['scaled_kept']));
    a = 'scaled_kept';
  }

  const L = model.dims.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = model.dims[l];
    const nOut = model.dims[l + 1];
    // W_l^T: [in x out], so that [N x in] x [in x out] = [N x out].
    const wt = new Float64Array(nIn * nOut);
    for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) wt[j * nOut + i] = model.W[l][i][j];
    inits.push(doubles(`W${l + 1}T`, [nIn, nOut], wt), doubles(`b${l + 1}`, [nOut], model.b[l]));
    nodes.push(node('MatMul', [a, `W${l + 1}T`], [`a${l + 1}W`]), node('Add', [`a${l + 1}W`, `b${l + 1}`], [`z${l + 1}`]));
    const z = `z${l + 1}`;
    if (l === L - 1) {
      nodes.push(node('Sigmoid', [z], ['probability']));
      break;
    }
    const out = `a${l + 1}`;
    switch (model.hidden_activation) {
      case 'relu':
        nodes.push(node('Relu', [z], [out]));
        break;
      case 'leaky_relu': {
        // max(z, slope z) is z for z >= 0 and slope z below (0 < slope < 1): the same values as training's.
        inits.push(doubles(`slope${l + 1}`, [], [model.leaky_relu_slope ?? 0.01]));
        nodes.push(node('Mul', [z, `slope${l + 1}`], [`${z}_leak`]), node('Max', [z, `${z}_leak`], [out]));
        break;
      }
      case 'tanh':
        nodes.push(node('Tanh', [z], [out]));
        break;
      case 'sigmoid':
        nodes.push(node('Sigmoid', [z], [out]));
        break;
      default:
        throw new Error(`cannot export the hidden activation "${model.hidden_activation}"`);
    }
    a = out;
  }
  inits.push(doubles('threshold', [], [model.threshold]));
  nodes.push(node('Greater', ['probability', 'threshold'], ['positive']));
  nodes.push(node('Cast', ['positive'], ['predicted_class'], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: INT64 }]));

  const graph: OnnxNamespace.IGraphProto = {
    name: 'dlsweep',
    node: nodes,
    initializer: inits,
    input: [valueInfo('x', DOUBLE, ['N', F])],
    output: [valueInfo('probability', DOUBLE, ['N', 1]), valueInfo('predicted_class', INT64, ['N', 1])],
    docString: `inputs: x [N x ${F}] float64, features ${pre.features.join(', ')} (raw units; complete rows). outputs: probability of class 1 (${pre.label.positive.join(', ')}), predicted_class = probability > ${model.threshold}`,
  };
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'dlsweep',
    producerVersion,
    graph,
    metadataProps: [
      { key: 'features', value: JSON.stringify(pre.features) },
      { key: 'threshold', value: String(model.threshold) },
      { key: 'positive', value: JSON.stringify(pre.label.positive) },
      { key: 'negative', value: JSON.stringify(pre.label.negative) },
      { key: 'engine_version', value: model.engine_version },
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}
