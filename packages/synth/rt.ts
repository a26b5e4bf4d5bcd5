import { synthesizeSlide } from "./src/synthesize-slide";
const [w, h] = [Number(process.argv[2]), Number(process.argv[3])];
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
const t = Date.now();
const truth = await synthesizeSlide("/tmp/wt/bench.svs", { widthUm: w * 0.5, heightUm: h * 0.5, seed: 1 });
clearInterval(timer);
console.log((Date.now() - t) / 1000, "s; peak rss", (peak / 2 ** 20).toFixed(0), "MiB; tissue", truth.tissueFraction);
