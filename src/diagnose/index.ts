// Diagnoses of the learner's mistakes: compiler errors and verifier rejections reworded into
// what happened, where, and what to write instead.
export { explainCompileError, type CompileErrorContext, type ExplainedCompileError } from './compileErrors.js';
export { didYouMean, editDistance, suggestionBudget, type SuggestOptions } from './didYouMean.js';
export { learnerFunctionName } from './programNames.js';
export {
  summarizeVerifierLog,
  type SourceLocation,
  type VerifierLogOptions,
  type VerifierRule,
  type VerifierSummary,
} from './verifier.js';
export { findTlsMistakes, type TlsMistake } from './tlsMistakes.js';
