import { packageBuildConfig } from "../../tooling/config/tsup.base.ts";

export default packageBuildConfig(["src/index.ts", "src/cli.ts", "src/render-worker.ts"]);
