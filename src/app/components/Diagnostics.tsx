// Why the learner's file is not attached (laid out by diagnosticLines): every message and
// hint whole, the code around the first failure, then the others as they fit.
import { Box } from 'ink';
import type { Problem } from '../../errors/problem.js';
import type { CheckResult } from '../../report/checkReport.js';
import { diagnosticLines } from '../diagnosticLines.js';
import { SegmentText } from './SegmentText.js';

export interface DiagnosticsProps {
  checks: CheckResult[];
  problem: Problem | null;
  /** The file's text as it was checked. */
  source: string;
  width: number;
  height: number;
}

export function Diagnostics({ checks, problem, source, width, height }: DiagnosticsProps) {
  const { lines } = diagnosticLines({ checks, problem, source }, width, height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.map((line, i) => (
        <SegmentText key={i} segments={line} width={width} />
      ))}
    </Box>
  );
}
