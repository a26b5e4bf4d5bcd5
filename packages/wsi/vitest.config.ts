import { packageTestConfig } from "../../tooling/config/vitest.base.ts";

export default packageTestConfig({ globalSetup: ["test/build-native.ts"] });
