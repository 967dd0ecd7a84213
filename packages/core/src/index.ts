/**
 * @seg/core — the pure language core: text → tokens → syntax tree → checked model.
 * No I/O: callers hand it file contents and get back diagnostics and a model.
 */
export * from './text/span';
export * from './text/line-index';
export * from './diagnostics/diagnostic';
export * from './diagnostics/codes';
export type * from './syntax/ast';
export { AGGREGATE_FNS } from './syntax/ast';
export type * from './model/ir';
export * from './syntax/parse';
export { lexicalTokens, type LexicalClass, type LexicalToken } from './syntax/lexical-tokens';
export * from './format/format';
export * from './check/check-workspace';
export * from './model/time-points';
export { symbolAt, declarationsOf, referencesTo, symbolId } from './check/symbol-index';
export type { SymbolKind, SymbolDeclaration, SymbolReference, SymbolIndex } from './check/symbol-index';
export { closestName, editDistance } from './check/did-you-mean';
export { KEYWORDS, newNameProblem, BUILTIN_FUNCTIONS, type BuiltinFunction } from './syntax/vocabulary';
export { sourceHash } from './workspace/source-hash';
export { sha256Text } from './workspace/sha256';
export { describeIr } from './model/describe-ir';
export { contactsTable } from './check/data-model';
export { completionSiteAt, callsAt, type CompletionSite, type CallSite, type Expected, type NameSlot } from './syntax/completion-site';
