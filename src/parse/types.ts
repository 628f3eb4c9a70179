import type { Document, LineCounter, Node } from 'yaml';

/** A JSON path inside one Kubernetes object (not the file): `['spec', 'template', 'spec']`. */
export type JsonPath = readonly (string | number)[];

/** A position in a file. Both fields are 1-based, as in SARIF and editors. */
export interface Pos {
  line: number;
  column: number;
}

/** A range in a file; `end` is exclusive (the column after the last character), as in SARIF. */
export interface Range {
  start: Pos;
  end: Pos;
}

/** One source text handed to the linter: a file, or stdin as `<stdin>`. */
export interface SourceText {
  /** The path as the user gave it (relative to the working directory), or `<stdin>`. */
  path: string;
  text: string;
  /** Context-only sources take part in cross-references but never receive findings. */
  contextOnly?: boolean;
  /**
   * Size of the file in bytes when the loader did not read all of it (larger than the parser's
   * limit); `text` is then empty or a prefix.
   */
  byteLength?: number;
  /**
   * Why the loader's bytes are not a text to parse (binary, invalid UTF-8), with the offset in
   * `text` to report it at; the parser turns it into a `parse-error` finding.
   */
  problem?: { message: string; offset: number };
}

/** A piece's outline (see outline.ts). */
export interface Outline {
  root: Node;
  /** Comment lines were in the piece's content (see {@link Outline.exact}). */
  commented: boolean;
  /**
   * Whether the start and end of `node` (a node of this outline) that positions use (`range[0]` and
   * `range[1]`) are the composer's: always without comment lines in the content; with them, for
   * keys and scalars with text, and for collections and empty values that no comment line follows
   * before the next content (where those end is then the parser's rule for comments). A node's
   * `range[2]` (what the parser attaches after it) is only the composer's where it makes a
   * collection's end.
   */
  exact(node: Node): boolean;
}

/** A parsed file: its text, the line index and every YAML document in it. */
export interface SourceFile {
  path: string;
  text: string;
  lineCounter: LineCounter;
  /** The YAML documents; read by the value path, the pieces it composes on demand (see {@link Manifest.nodes}). */
  documents: Document.Parsed[];
  /**
   * The outline of a document (value path: a piece) the value path read without composing it, for
   * positions without the parser (see outline.ts); undefined when it must be composed. Only the
   * last piece's outline is kept: ask for the positions of one piece together (see engine `Positions`).
   */
  outline?: (piece: number) => Outline | undefined;
  contextOnly: boolean;
}

/**
 * One Kubernetes object found in a file. A `List` document yields one Manifest per item, whose
 * `pathPrefix` is `['items', i]`; every other document yields one Manifest with an empty prefix.
 */
export interface Manifest {
  file: SourceFile;
  /** 0-based index of the YAML document in its file. */
  docIndex: number;
  /** The plain JavaScript value of the object (what `doc.toJS()` gives for its node). */
  object: Record<string, unknown>;
  /** Path from the document root to this object (`[]`, or `['items', 3]` inside a List). */
  pathPrefix: JsonPath;
  /** The template named by the Helm `# Source:` comment that applies to this document. */
  helmSource?: string;
  /**
   * Where the object's YAML nodes are, when not at `pathPrefix` in `file.documents[docIndex]`: the
   * parser's value path composes pieces of a file (a document, or one item of a List) on demand,
   * and then `file.documents` holds those pieces.
   */
  nodes?: {
    piece: number;
    pathPrefix: JsonPath;
  };
  /** Offset of the object's `kind` key, when the value path saw it: its `file:line` label needs no nodes. */
  kindAt?: number;
}

/** A problem found while reading or parsing, before any rule runs. */
export interface ParseProblem {
  ruleId: 'parse-error' | 'unrendered-template';
  file: SourceFile;
  range: Range;
  message: string;
  /** The Helm `# Source:` template of the document, as for {@link Manifest.helmSource}. */
  helmSource?: string;
}
