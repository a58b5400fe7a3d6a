// Rewrites an ONNX model so that its large initializers are stored as ONNX
// external data: the tensors' bytes go to a data file beside the model (each at
// a page-aligned offset), and the model keeps their name, type, shape and
// where they are. onnxruntime (since 1.12, onnxruntime PR #11127) memory-maps
// external initializers on the CPU and uses the mapped pages as the tensors
// themselves, so a table read a few rows at a time (the word embeddings: 96 MB
// of multilingual-e5-small's 118) stays on disk except for the pages touched.
//
// Only the protocol buffer fields on the way are read (ModelProto.graph →
// GraphProto.initializer → TensorProto.raw_data); every other byte of the
// model is copied as it is, fields this code does not know included, so the
// rewritten model is the original but for where those tensors' bytes live.
// Plain JavaScript: it runs in mapped-weights-process.mjs, without a
// TypeScript loader.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DATA_TYPE = 2;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const TENSOR_STRING = 8;
const LOCATION_EXTERNAL = 1;

/** Where each tensor starts in the data file: a page, so each maps on its own pages. */
export const DATA_ALIGNMENT = 4096;

/** A protocol buffer message's fields, in order: number, wire type, and where the whole field and its value lie. */
function* fieldsOf(bytes, start = 0, end = bytes.length) {
  let position = start;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (position >= end) throw new Error('the model file ends inside a field');
      const byte = bytes[position++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('the model file has a malformed number');
    }
  };
  while (position < end) {
    const fieldStart = position;
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    let valueStart = position;
    let value;
    if (wire === WIRE_VARINT) value = varint();
    else if (wire === WIRE_FIXED64) position += 8;
    else if (wire === WIRE_FIXED32) position += 4;
    else if (wire === WIRE_LENGTH_DELIMITED) {
      const length = varint();
      valueStart = position;
      position += length;
    } else throw new Error(`the model file has a field of wire type ${wire}, which ONNX does not use`);
    if (position > end) throw new Error('the model file ends inside a field');
    yield { number, wire, start: fieldStart, valueStart, end: position, value };
  }
}

function varintBytes(value) {
  const out = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function lengthDelimited(number, payload) {
  return Buffer.concat([varintBytes(number * 8 + WIRE_LENGTH_DELIMITED), varintBytes(payload.length), payload]);
}

/** An external_data entry (StringStringEntryProto: key 1, value 2). */
function entry(key, value) {
  return lengthDelimited(
    TENSOR_EXTERNAL_DATA,
    Buffer.concat([lengthDelimited(1, Buffer.from(key)), lengthDelimited(2, Buffer.from(value))]),
  );
}

/**
 * The tensor's fields with its raw_data moved to `place(bytes)` (which writes
 * them and says at which offset), or undefined when it stays as it is: small,
 * kept in typed fields rather than raw bytes, a string tensor, or external already.
 */
function externalTensor(bytes, start, end, minBytes, dataName, place) {
  let raw;
  for (const field of fieldsOf(bytes, start, end)) {
    if (field.number === TENSOR_EXTERNAL_DATA || field.number === TENSOR_DATA_LOCATION) return undefined;
    if (field.number === TENSOR_DATA_TYPE && field.value === TENSOR_STRING) return undefined;
    if (field.number === TENSOR_RAW_DATA && field.wire === WIRE_LENGTH_DELIMITED) raw = field;
  }
  if (!raw || raw.end - raw.valueStart < minBytes) return undefined;
  const length = raw.end - raw.valueStart;
  const offset = place(bytes.subarray(raw.valueStart, raw.end));
  return Buffer.concat([
    bytes.subarray(start, raw.start),
    bytes.subarray(raw.end, end),
    entry('location', dataName),
    entry('offset', String(offset)),
    entry('length', String(length)),
    varintBytes(TENSOR_DATA_LOCATION * 8 + WIRE_VARINT),
    varintBytes(LOCATION_EXTERNAL),
  ]);
}

/** Whether any initializer of the model keeps its data outside the file already. */
export function hasExternalData(bytes) {
  for (const field of fieldsOf(bytes)) {
    if (field.number !== MODEL_GRAPH || field.wire !== WIRE_LENGTH_DELIMITED) continue;
    for (const graphField of fieldsOf(bytes, field.valueStart, field.end)) {
      if (graphField.number !== GRAPH_INITIALIZER || graphField.wire !== WIRE_LENGTH_DELIMITED) continue;
      for (const tensorField of fieldsOf(bytes, graphField.valueStart, graphField.end))
        if (tensorField.number === TENSOR_DATA_LOCATION && tensorField.value === LOCATION_EXTERNAL) return true;
    }
  }
  return false;
}

/**
 * The model `bytes` with every top-level initializer of at least `minBytes`
 * raw bytes moved out: `write(chunk)` receives the data file's bytes in order
 * (the tensors and the padding between them), and the data file is to be
 * saved as `dataName` beside the returned model. Returns the model's bytes and
 * how many tensors and bytes moved.
 */
export function externalizeInitializers(bytes, { dataName, minBytes, write }) {
  let offset = 0;
  let tensors = 0;
  let moved = 0;
  const place = (data) => {
    const padding = (DATA_ALIGNMENT - (offset % DATA_ALIGNMENT)) % DATA_ALIGNMENT;
    if (padding) write(new Uint8Array(padding));
    offset += padding;
    const at = offset;
    write(data);
    offset += data.length;
    tensors++;
    moved += data.length;
    return at;
  };
  const parts = [];
  for (const field of fieldsOf(bytes)) {
    if (field.number !== MODEL_GRAPH || field.wire !== WIRE_LENGTH_DELIMITED) {
      parts.push(bytes.subarray(field.start, field.end));
      continue;
    }
    const graph = [];
    for (const graphField of fieldsOf(bytes, field.valueStart, field.end)) {
      const tensor =
        graphField.number === GRAPH_INITIALIZER && graphField.wire === WIRE_LENGTH_DELIMITED
          ? externalTensor(bytes, graphField.valueStart, graphField.end, minBytes, dataName, place)
          : undefined;
      graph.push(
        tensor ? lengthDelimited(GRAPH_INITIALIZER, tensor) : bytes.subarray(graphField.start, graphField.end),
      );
    }
    parts.push(lengthDelimited(MODEL_GRAPH, Buffer.concat(graph)));
  }
  return { model: Buffer.concat(parts), tensors, bytes: moved };
}
