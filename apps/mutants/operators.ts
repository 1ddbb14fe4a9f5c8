/**
 * The mutants of one Solidity source: every small change an auditor expects the tests to notice, found with
 * @solidity-parser/parser (the parser solhint and prettier-plugin-solidity use) and written as an edit of the source
 * text, so a mutant compiles exactly as a developer's typo would.
 */
import { parse, visit } from "@solidity-parser/parser";
import type {
  ASTNode,
  BaseASTNode,
  BinaryOperation,
  Expression,
  FunctionCall,
  FunctionDefinition,
  IfStatement,
  StateVariableDeclaration,
} from "@solidity-parser/parser/dist/src/ast-types";

/** What a mutant changes, each named after the mistake it stands for. */
export const MUTATION_OPERATORS = {
  "comparison-boundary": "a comparison off by one (`<` for `<=`, `>` for `>=` and back)",
  "comparison-negation": "a comparison inverted (`<` for `>=`, `==` for `!=`, ...)",
  "check-removal": "a check dropped (`if (...) revert` never reverts, `require(...)` always holds)",
  "modifier-removal": "a modifier dropped (`nonReentrant`, `whenNotPaused`, `restricted`, ...)",
  "accounting-sign": "an update of stored state with its sign flipped (`+=` for `-=`, `x = a + b` for `a - b`)",
  "emit-removal": "an event not emitted",
  "bound-constant": "a MIN_/MAX_ bound off by one, either way",
  "rounding-direction": "a division rounded up instead of down",
} as const;

export type MutationOperator = keyof typeof MUTATION_OPERATORS;

/** One mutant: the source of `file` with `[start, end)` replaced by `replacement`. */
export interface Mutant {
  /** Unique within the project and stable while the file is unchanged: `file:line:column operator`. */
  readonly id: string;
  readonly file: string;
  readonly operator: MutationOperator;
  readonly line: number;
  readonly column: number;
  readonly start: number;
  readonly end: number;
  readonly original: string;
  readonly replacement: string;
}

const COMPARISONS = ["<", "<=", ">", ">=", "==", "!="] as const;
type Comparison = (typeof COMPARISONS)[number];

const BOUNDARY: Partial<Record<Comparison, Comparison>> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };
const NEGATION: Record<Comparison, Comparison> = {
  "<": ">=",
  "<=": ">",
  ">": "<=",
  ">=": "<",
  "==": "!=",
  "!=": "==",
};
/** A constant is a bound when its name says so: MAX_FEE_BPS, MIN_WINDOW, MAX_MIN_COLLATERAL. */
const BOUND_NAME = /(^|_)(MIN|MAX)(_|$)/;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Every mutant of `source`, in source order. `file` is the project-relative path the ids and reports use. */
export function generateMutants(file: string, source: string): Mutant[] {
  const ast = parse(source, { range: true, loc: true });
  const found: Mutant[] = [];
  const add = (operator: MutationOperator, span: Span, replacement: string): void => {
    const original = source.slice(span.start, span.end);
    if (original === replacement) return;
    const { line, column } = position(source, span.start);
    const id = `${file}:${line}:${column} ${operator}`;
    // Two mutants of one operator at one place (a bound's +1 and -1) are told apart by their replacement.
    const unique = found.some((mutant) => mutant.id === id) ? `${id} ${replacement}` : id;
    found.push({ id: unique, file, operator, line, column, start: span.start, end: span.end, original, replacement });
  };

  visit(ast, {
    BinaryOperation(node: BinaryOperation) {
      if (isComparison(node.operator)) {
        const span = operatorSpan(source, node, node.operator);
        const boundary = BOUNDARY[node.operator];
        if (boundary !== undefined) add("comparison-boundary", span, boundary);
        add("comparison-negation", span, NEGATION[node.operator]);
      } else if (node.operator === "+=" || node.operator === "-=") {
        // The parser gives assignments as binary operations.
        add("accounting-sign", operatorSpan(source, node, node.operator), node.operator === "+=" ? "-=" : "+=");
      } else if (node.operator === "=" && isStoredState(node.left)) {
        const sum = topLevelSum(node.right);
        if (sum !== undefined) add("accounting-sign", operatorSpan(source, sum, sum.operator), flip(sum.operator));
      } else if (node.operator === "/") {
        const dividend = text(source, node.left);
        const divisor = text(source, node.right);
        add("rounding-direction", spanOf(node), `((${dividend}) + (${divisor}) - 1) / (${divisor})`);
      }
    },
    FunctionCall(node: FunctionCall) {
      if (isCall(node, "require") && node.arguments.length > 0) {
        add("check-removal", spanOf(node.arguments[0]), "true");
      }
      if (isCall(node, "mulDiv") && node.arguments.length === 3) {
        const last = spanOf(node.arguments[2]);
        add("rounding-direction", last, `${text(source, node.arguments[2])}, Math.Rounding.Ceil`);
      }
    },
    IfStatement(node: IfStatement) {
      if (node.falseBody === null && onlyReverts(node.trueBody)) {
        add("check-removal", spanOf(node.condition), "false");
      }
    },
    FunctionDefinition(node: FunctionDefinition) {
      // A constructor's "modifiers" are its base contracts' constructor calls, not checks.
      if (node.isConstructor) return;
      for (const modifier of node.modifiers) add("modifier-removal", spanOf(modifier), "");
    },
    EmitStatement(node: BaseASTNode) {
      add("emit-removal", statementSpan(source, node), "{}");
    },
    StateVariableDeclaration(node: StateVariableDeclaration) {
      for (const variable of node.variables) {
        if (!variable.isDeclaredConst || variable.name === null || !BOUND_NAME.test(variable.name)) continue;
        const value = node.initialValue;
        if (value === null) continue;
        const expression = text(source, value);
        add("bound-constant", spanOf(value), `(${expression}) + 1`);
        add("bound-constant", spanOf(value), `(${expression}) - 1`);
      }
    },
  });
  return found.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

/** `source` with `mutant` applied. */
export function applyMutant(source: string, mutant: Mutant): string {
  const original = source.slice(mutant.start, mutant.end);
  if (original !== mutant.original) {
    throw new Error(`${mutant.id} no longer matches its file (found "${original}"): generate the mutants again.`);
  }
  return source.slice(0, mutant.start) + mutant.replacement + source.slice(mutant.end);
}

/** The mutant as a two-line diff of the line it changes (`- before` / `+ after`), trimmed. */
export function mutantDiff(source: string, mutant: Mutant): string {
  const lineStart = source.lastIndexOf("\n", mutant.start - 1) + 1;
  const endNewline = source.indexOf("\n", mutant.end);
  const lineEnd = endNewline === -1 ? source.length : endNewline;
  const before = source.slice(lineStart, lineEnd);
  const after = source.slice(lineStart, mutant.start) + mutant.replacement + source.slice(mutant.end, lineEnd);
  return `- ${before.trim()}\n+ ${after.trim()}`;
}

function isComparison(operator: string): operator is Comparison {
  return (COMPARISONS as readonly string[]).includes(operator);
}

function isCall(node: FunctionCall, name: string): boolean {
  const callee = node.expression;
  return (
    (callee.type === "Identifier" && callee.name === name) ||
    (callee.type === "MemberAccess" && callee.memberName === name)
  );
}

function onlyReverts(body: ASTNode): boolean {
  if (body.type === "RevertStatement") return true;
  return body.type === "Block" && body.statements.length === 1 && body.statements[0].type === "RevertStatement";
}

/** A write that outlives the call: a struct field or mapping entry, or a `_`-named state variable. */
function isStoredState(target: Expression): boolean {
  if (target.type === "MemberAccess" || target.type === "IndexAccess") return true;
  return target.type === "Identifier" && target.name.startsWith("_");
}

/** The `+` or `-` a stored value is computed by, through casts such as `uint96(a - b)` and parentheses. */
function topLevelSum(expression: Expression): BinaryOperation | undefined {
  let node: ASTNode = expression;
  for (;;) {
    if (node.type === "BinaryOperation") return node.operator === "+" || node.operator === "-" ? node : undefined;
    if (node.type === "FunctionCall" && node.arguments.length === 1 && isCast(node)) node = node.arguments[0];
    else if (node.type === "TupleExpression" && !node.isArray && node.components.length === 1) {
      const inner: BaseASTNode | null = node.components[0];
      if (inner === null) return undefined;
      node = inner as ASTNode;
    } else return undefined;
  }
}

function isCast(call: FunctionCall): boolean {
  return call.expression.type === "ElementaryTypeName";
}

function flip(operator: string): string {
  return operator === "+" ? "-" : "+";
}

function spanOf(node: BaseASTNode): Span {
  if (node.range === undefined) throw new Error(`The parser gave no source range for a ${node.type}.`);
  // The parser's ranges are inclusive at both ends.
  return { start: node.range[0], end: node.range[1] + 1 };
}

function text(source: string, node: BaseASTNode): string {
  const span = spanOf(node);
  return source.slice(span.start, span.end);
}

/** Where the operator of a binary expression or assignment sits: the first occurrence after its left side. */
function operatorSpan(source: string, node: { left: BaseASTNode; right: BaseASTNode }, operator: string): Span {
  const from = spanOf(node.left).end;
  const to = spanOf(node.right).start;
  const at = source.indexOf(operator, from);
  if (at === -1 || at + operator.length > to) {
    throw new Error(
      `No "${operator}" between offsets ${from} and ${to}: the parser's ranges are not what was expected.`,
    );
  }
  return { start: at, end: at + operator.length };
}

/** A statement with its semicolon, which the parser leaves out of some statements' ranges. */
function statementSpan(source: string, node: BaseASTNode): Span {
  const span = spanOf(node);
  if (source[span.end - 1] === ";") return span;
  const semicolon = source.indexOf(";", span.end);
  if (semicolon === -1 || source.slice(span.end, semicolon).trim() !== "") {
    throw new Error(`No semicolon after the statement at offset ${span.start}.`);
  }
  return { start: span.start, end: semicolon + 1 };
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
