// Live tests run against the real kernel: prepare it exactly as the tool does for learners.
import { prepareKernel } from '../../src/kernel/environment.js';

export async function liveKernel() {
  return prepareKernel({ attach: 'auto' });
}
