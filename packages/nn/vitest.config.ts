import { packageTestConfig } from "../../tooling/config/vitest.base";

export default packageTestConfig();
