// Child process of checkpoint-kill.test.ts: trains and SIGKILLs itself in the middle of writing its
// second checkpoint (after that checkpoint's first file), as a power cut or OOM kill would.
import { memoryBags, pretrain } from "../src/index";
import { SMALL, syntheticCohort } from "./synthetic";

const weightsDir = process.argv[2] as string;
const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 12, n20: 4 });
let files = 0;
await pretrain({
  bags: memoryBags(bags), weightsDir,
  config: { seed: 5, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 1, phase1: { epochs: 2, warmupSteps: 2, lr: 1e-3 }, saveEverySteps: 3, logEverySteps: 1 },
  afterCheckpointFile: () => {
    files++;
    // checkpoint 1 (step 3) writes 5 files (student, teacher, decoder, optimizer, state.json); die inside checkpoint 2
    if (files === 6) process.kill(process.pid, "SIGKILL");
  },
});
