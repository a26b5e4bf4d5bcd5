export { accuracy } from "./accuracy";
export { StatsInputError, assertPaired } from "./validate";
