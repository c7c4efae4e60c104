// A render error must not end in a raw stack on the learner's screen: it is caught here and
// handed to the runner, which restores the terminal, detaches everything and prints it as a
// Problem.
import { Component, type ReactNode } from 'react';

export interface CrashBoundaryProps {
  onCrash: (error: unknown) => void;
  children?: ReactNode;
}

export class CrashBoundary extends Component<CrashBoundaryProps, { crashed: boolean }> {
  override state = { crashed: false };

  static getDerivedStateFromError(): { crashed: boolean } {
    return { crashed: true };
  }

  override componentDidCatch(error: unknown): void {
    this.props.onCrash(error);
  }

  override render(): ReactNode {
    return this.state.crashed ? null : this.props.children;
  }
}
