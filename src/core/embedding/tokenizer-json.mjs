// Reads a tokenizer.json without making a JavaScript object of its vocabulary.
// A SentencePiece Unigram vocabulary is a quarter of a million
// ["piece", score] pairs: JSON.parse makes a string, an array and a number of
// each, and the tens of MiB of heap that takes stay with the process after
// they are garbage. Here the file's bytes are scanned instead: the vocabulary
// goes straight into typed arrays (the pieces' UTF-8 bytes, where each starts,
// their scores), and only the rest of the file — its settings, small — is
// parsed as JSON. Plain JavaScript, for the model process.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWhitespace = (byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

class Scanner {
  constructor(bytes) {
    this.bytes = bytes;
    this.position = 0;
  }

  fail(what) {
    throw new SyntaxError(`tokenizer.json: ${what} at byte ${this.position}`);
  }

  skipWhitespace() {
    while (this.position < this.bytes.length && isWhitespace(this.bytes[this.position])) this.position++;
  }

  expect(byte) {
    this.skipWhitespace();
    if (this.bytes[this.position] !== byte) this.fail(`expected '${String.fromCharCode(byte)}'`);
    this.position++;
  }

  /** Passes a string; returns where its contents lie and whether it holds escapes. */
  string() {
    this.expect(QUOTE);
    const start = this.position;
    let escaped = false;
    for (;;) {
      const byte = this.bytes[this.position];
      if (byte === undefined) this.fail('unterminated string');
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        escaped = true;
        this.position++;
      }
      this.position++;
    }
    this.position++;
    return { start, end: this.position - 1, escaped };
  }

  /** A string's value as JavaScript text. */
  text({ start, end, escaped }) {
    const raw = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
    return escaped ? JSON.parse(`"${raw}"`) : raw;
  }

  /** Passes any value; returns where it lies. */
  value() {
    this.skipWhitespace();
    const start = this.position;
    const first = this.bytes[this.position];
    if (first === QUOTE) {
      this.string();
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let depth = 0;
      do {
        const byte = this.bytes[this.position];
        if (byte === undefined) this.fail('unterminated value');
        if (byte === QUOTE) {
          this.string();
          continue;
        }
        if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
        this.position++;
      } while (depth > 0);
    } else {
      while (this.position < this.bytes.length) {
        const byte = this.bytes[this.position];
        if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) break;
        this.position++;
      }
      if (this.position === start) this.fail('expected a value');
    }
    return { start, end: this.position };
  }

  /** Calls `onKey(key)` at each key of the object here (which must pass the key's value). */
  object(onKey) {
    this.expect(OPEN_BRACE);
    this.skipWhitespace();
    if (this.bytes[this.position] === CLOSE_BRACE) {
      this.position++;
      return;
    }
    for (;;) {
      const key = this.text(this.string());
      this.expect(COLON);
      onKey(key);
      this.skipWhitespace();
      const next = this.bytes[this.position++];
      if (next === CLOSE_BRACE) return;
      if (next !== COMMA) this.fail("expected ',' or '}'");
    }
  }
}

/**
 * The file's definition with `model.vocab` left empty, and where the
 * vocabulary lies in `bytes` (undefined when the model has none), so that
 * {@link readUnigramVocabulary} can read it.
 */
export function readTokenizerJson(bytes) {
  const scanner = new Scanner(bytes);
  let vocabulary;
  scanner.object((key) => {
    if (key !== 'model') return scanner.value();
    scanner.skipWhitespace();
    if (bytes[scanner.position] !== OPEN_BRACE) return scanner.value();
    scanner.object((modelKey) => {
      const span = scanner.value();
      if (modelKey === 'vocab') vocabulary = span;
    });
  });
  const rest = vocabulary
    ? Buffer.concat([bytes.subarray(0, vocabulary.start), Buffer.from('[]'), bytes.subarray(vocabulary.end)])
    : bytes;
  const definition = JSON.parse(Buffer.from(rest.buffer, rest.byteOffset, rest.byteLength).toString('utf8'));
  return { definition, vocabulary };
}

/**
 * A Unigram vocabulary (`[["piece", score], …]` at `span` of `bytes`) as typed
 * arrays: `pieces`, every piece's UTF-8 bytes one after the other; `starts`,
 * where piece i starts (and `starts[count]` where the last ends); `scores`.
 */
export function readUnigramVocabulary(bytes, span) {
  const scanner = new Scanner(bytes.subarray(0, span.end));
  scanner.position = span.start;
  // Decoded pieces are never longer than their JSON spelling.
  let pieces = new Uint8Array(span.end - span.start);
  let length = 0;
  let starts = new Int32Array(1024);
  let scores = new Float64Array(1024);
  let count = 0;
  const grow = () => {
    const larger = new Int32Array(starts.length * 2);
    larger.set(starts);
    starts = larger;
    const largerScores = new Float64Array(scores.length * 2);
    largerScores.set(scores);
    scores = largerScores;
  };
  scanner.expect(OPEN_BRACKET);
  scanner.skipWhitespace();
  if (bytes[scanner.position] === CLOSE_BRACKET) scanner.position++;
  else
    for (;;) {
      scanner.expect(OPEN_BRACKET);
      const piece = scanner.string();
      scanner.expect(COMMA);
      const score = scanner.value();
      scanner.expect(CLOSE_BRACKET);
      if (count + 1 >= starts.length) grow();
      starts[count] = length;
      if (piece.escaped) {
        length += Buffer.from(pieces.buffer).write(scanner.text(piece), length, 'utf8');
      } else {
        pieces.set(bytes.subarray(piece.start, piece.end), length);
        length += piece.end - piece.start;
      }
      scores[count] = Number(
        Buffer.from(bytes.buffer, bytes.byteOffset + score.start, score.end - score.start).toString('latin1'),
      );
      if (Number.isNaN(scores[count])) scanner.fail('expected a score');
      count++;
      scanner.skipWhitespace();
      const next = bytes[scanner.position++];
      if (next === CLOSE_BRACKET) break;
      if (next !== COMMA) scanner.fail("expected ',' or ']'");
    }
  starts[count] = length;
  pieces = pieces.slice(0, length);
  return { pieces, starts: starts.slice(0, count + 1), scores: scores.slice(0, count), count };
}
