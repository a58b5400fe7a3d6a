// Types of onnx-external-data.mjs (plain JavaScript, for the process that makes the mapped copy), for the tests.
export declare const DATA_ALIGNMENT: number;
export declare function hasExternalData(bytes: Uint8Array): boolean;
export declare function externalizeInitializers(
  bytes: Uint8Array,
  options: { dataName: string; minBytes: number; write: (chunk: Uint8Array) => void },
): { model: Uint8Array; tensors: number; bytes: number };
